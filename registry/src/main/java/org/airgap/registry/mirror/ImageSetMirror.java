package org.airgap.registry.mirror;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;

/**
 * Mirrors what an {@link ImageSetConfig} (an ImageSetConfiguration) asks for through the three
 * flows of {@link Mirror}, and writes the cluster resources ({@link ClusterResources}) for the
 * flows that end in a registry. Resolving the configuration into an {@link ImageSetPlan} happens on
 * the connected side (a direct run or a run to disk); the plan travels in the archive as {@code
 * working-dir/imageset.json}, so the disconnected side needs neither the sources nor the inputs.
 */
public final class ImageSetMirror {
  /** What a run produced: the copy summary, the plan and the resource files written. */
  public record Result(MirrorSummary summary, ImageSetPlan plan, List<Path> resources) {
    public Result {
      resources = List.copyOf(resources);
    }
  }

  private final RegistryClient client;
  private final Mirror mirror;
  private final MirrorListener listener;

  public ImageSetMirror(RegistryClient client, Mirror mirror, MirrorListener listener) {
    this.client = client;
    this.mirror = mirror;
    this.listener = listener;
  }

  /** A plan and the images built for it (filtered catalogs), which only this run holds. */
  private record Resolved(ImageSetPlan plan, List<Mirror.Built> built) {}

  /**
   * Resolves the configuration against its sources: what to copy; filtered catalogs are built (in
   * memory and a scratch folder), nothing is copied yet.
   */
  public ImageSetPlan plan(ImageSetConfig isc, ImageSetInputs inputs) {
    return resolve(isc, inputs).plan();
  }

  private Resolved resolve(ImageSetConfig isc, ImageSetInputs inputs) {
    Set<String> images = new LinkedHashSet<>();
    List<ImageSetPlan.Release> releases = new ArrayList<>();
    List<ImageSetPlan.ReleaseSignatures> signatures = new ArrayList<>();
    if (isc.platform().isPresent()) {
      platform(isc.platform().get(), inputs, images, releases, signatures);
    }
    List<Mirror.Built> built = new ArrayList<>();
    List<ImageSetPlan.Catalog> catalogs = new ArrayList<>();
    for (ImageSetConfig.OperatorSpec o : isc.operators()) {
      ImageRef ref = ImageRef.parse(o.catalog());
      java.util.Set<String> selected = new java.util.HashSet<>();
      o.packages().forEach(p -> selected.add(p.name()));
      Mirror.Built b;
      FileBasedCatalog filtered;
      CatalogImage.Read first =
          CatalogImage.read(
              ImageContent.http(client, ref.registry(), ref.repository()),
              ref.reference(),
              pkg -> selected.isEmpty() || selected.contains(pkg));
      try (CatalogImage.Read r0 = first) {
        CatalogImage.Read read = r0;
        filtered = CatalogFilter.filter(read.catalog(), o, listener::note);
        if (!selected.isEmpty() && !selected.containsAll(filtered.packages().keySet())) {
          // dependencies were resolved on slim bundles: read their packages in full, filter again
          java.util.Set<String> all = java.util.Set.copyOf(filtered.packages().keySet());
          read = read.withFull(all::contains);
          filtered = CatalogFilter.filter(read.catalog(), o, n -> {});
        }
        images.addAll(filtered.images());
        RepoName repo = RepoName.parse(o.targetCatalog().orElse(ref.repository().value()));
        Tag tag =
            o.targetTag()
                .map(Tag::parse)
                .orElse(ref.tag().orElseGet(() -> ImagePlan.derivedTag(r0.manifest().digest())));
        ImageRef base =
            new ImageRef(ref.registry(), ref.repository(), Optional.empty(), Optional.empty());
        b =
            CatalogImage.build(
                o.catalog(),
                read,
                filtered,
                repo,
                tag,
                d -> BlobSource.registry(client, base, d),
                Path.of(System.getProperty("java.io.tmpdir")));
      }
      RepoName repo = b.plan().repository();
      Tag tag = b.plan().tags().get(0);
      built.add(b);
      catalogs.add(
          new ImageSetPlan.Catalog(
              o.catalog(),
              repo.value(),
              tag.value(),
              b.plan().digest().toString(),
              List.copyOf(filtered.packages().keySet())));
      listener.note(
          "catalog "
              + o.catalog()
              + ": kept "
              + String.join(", ", filtered.packages().keySet())
              + "; built "
              + repo
              + ":"
              + tag
              + "@"
              + b.plan().digest());
    }
    images.addAll(isc.additionalImages());
    List<String> kept = new ArrayList<>();
    for (String i : images) {
      if (isc.blocked(i)) {
        listener.note("blocked by blockedImages: " + i);
      } else {
        kept.add(i);
      }
    }
    return new Resolved(new ImageSetPlan(kept, catalogs, signatures, releases), built);
  }

  /** The default release repository of a channel type, for channels without a graph. */
  static String releaseRepository(String type) {
    return type.equals("okd")
        ? "quay.io/openshift/okd"
        : "quay.io/openshift-release-dev/ocp-release";
  }

  private void platform(
      ImageSetConfig.PlatformSpec p,
      ImageSetInputs inputs,
      Set<String> images,
      List<ImageSetPlan.Release> releases,
      List<ImageSetPlan.ReleaseSignatures> signatures) {
    List<ImageRef> wanted = new ArrayList<>();
    p.release().map(ImageRef::parse).ifPresent(wanted::add);
    Optional<UpdateGraph> graph = inputs.graphData().map(UpdateGraph::read);
    for (ImageSetConfig.ChannelSpec c : p.channels()) {
      List<ImageRef> found;
      String from;
      if (graph.isPresent()) {
        from = "the update graph " + inputs.graphData().get();
        found =
            graph.get().select(c).stream()
                .map(n -> withTag(ImageRef.parse(n.payload()), n.version() + "-x86_64"))
                .toList();
      } else {
        ImageRef repo =
            ImageRef.parse(inputs.releaseRepository().orElse(releaseRepository(c.type())));
        from = "the tags of " + repo.registry() + "/" + repo.repository() + " (no --graph-data)";
        found = presentReleases(repo, c);
      }
      if (found.isEmpty()) {
        throw new MirrorException(
            MirrorException.Kind.NOT_FOUND,
            "mirror.platform.channels " + c.name() + ": no release " + range(c) + " in " + from);
      }
      for (ImageRef r : found) {
        listener.note("channel " + c.name() + ": release " + r);
      }
      wanted.addAll(found);
    }
    Set<org.airgap.registry.api.Digest> seen = new java.util.HashSet<>();
    for (ImageRef r : wanted) {
      ReleasePayload payload = ReleasePayload.read(client, r);
      if (!seen.add(payload.digest())) {
        continue; // named by release and by a channel
      }
      ImageRef byDigest =
          new ImageRef(r.registry(), r.repository(), r.tag(), Optional.of(payload.digest()));
      images.add(byDigest.toString());
      images.addAll(payload.components().values());
      releases.add(
          new ImageSetPlan.Release(
              payload.version(),
              byDigest.registry() + "/" + byDigest.repository() + "@" + payload.digest()));
      if (p.kubeVirtContainer()) {
        images.add(
            payload
                .kubeVirtContainer()
                .orElseThrow(
                    () ->
                        new MirrorException(
                            MirrorException.Kind.NOT_FOUND,
                            "mirror.platform.kubeVirtContainer: release "
                                + r
                                + " names no KubeVirt container disk (no kubevirt image in "
                                + ReleasePayload.BOOT_IMAGES
                                + ")")));
      }
      if (inputs.signatures().isPresent()) {
        List<String> sigs = ReleaseSignatureFiles.find(inputs.signatures().get(), payload.digest());
        if (sigs.isEmpty()) {
          listener.note(
              "no signature for release "
                  + payload.version()
                  + " ("
                  + payload.digest()
                  + ") in "
                  + inputs.signatures().get());
        } else {
          signatures.add(new ImageSetPlan.ReleaseSignatures(payload.digest().toString(), sigs));
        }
      }
    }
    if (p.graph()) {
      images.add(
          inputs
              .graphImage()
              .orElseThrow(
                  () ->
                      ImageSetConfig.usage(
                          "mirror.platform.graph: true needs --graph-image IMAGE, the update"
                              + " service's graph-data image to mirror (airgap downloads no graph"
                              + " data)")));
    }
  }

  private static String range(ImageSetConfig.ChannelSpec c) {
    return c.minVersion().isEmpty() && c.maxVersion().isEmpty()
        ? "at all"
        : "from "
            + c.minVersion().map(Semver::toString).orElse("the first")
            + " to "
            + c.maxVersion().map(Semver::toString).orElse("the newest");
  }

  private static ImageRef withTag(ImageRef r, String tag) {
    return new ImageRef(
        r.registry(),
        r.repository(),
        Optional.of(org.airgap.registry.api.Tag.parse(tag)),
        r.digest());
  }

  /** Releases already in a registry: tags {@code VERSION-x86_64} (or {@code VERSION}) in range. */
  private List<ImageRef> presentReleases(ImageRef repo, ImageSetConfig.ChannelSpec c) {
    record Found(Semver version, String tag) {}
    java.util.Map<Semver, Found> byVersion = new java.util.TreeMap<>();
    Optional<String> minor = channelMinor(c.name());
    for (String t : tags(repo)) {
      boolean x86 = t.endsWith("-x86_64");
      String v = x86 ? t.substring(0, t.length() - "-x86_64".length()) : t;
      if (!x86 && OTHER_ARCHES.matcher(t).find()) {
        continue; // another architecture's payload
      }
      Optional<Semver> sv = Semver.tryParse(v);
      if (sv.isEmpty()
          || minor.map(m -> !m.equals(sv.get().major() + "." + sv.get().minor())).orElse(false)) {
        continue;
      }
      Found f = new Found(sv.get(), t);
      // VERSION-x86_64 wins over a bare VERSION tag of the same release
      byVersion.merge(sv.get(), f, (a, b) -> a.tag().endsWith("-x86_64") ? a : b);
    }
    List<Found> all = new ArrayList<>(byVersion.values());
    ImageRef bare =
        new ImageRef(repo.registry(), repo.repository(), Optional.empty(), Optional.empty());
    return UpdateGraph.pick(all, Found::version, c).stream()
        .map(f -> withTag(bare, f.tag()))
        .toList();
  }

  private static final java.util.regex.Pattern OTHER_ARCHES =
      java.util.regex.Pattern.compile("-(aarch64|arm64|ppc64le|s390x|multi)$");

  /** {@code 4.18} of a channel named {@code stable-4.18}. */
  private static Optional<String> channelMinor(String channel) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d+\\.\\d+)$").matcher(channel);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Every tag of a repository, following {@code Link: <…>; rel="next"} pages. */
  private List<String> tags(ImageRef repo) {
    List<String> out = new ArrayList<>();
    String path = "/v2/" + repo.repository() + "/tags/list?n=1000";
    for (int page = 0; page < 1000 && path != null; page++) {
      RegistryClient.Reply r =
          client.send(
              repo.registry(),
              repo.repository(),
              "pull",
              "GET",
              path,
              java.util.Map.of(),
              Optional.empty());
      if (r.code() == 404) {
        return out;
      }
      if (r.code() != 200) {
        throw new MirrorException(
            MirrorException.Kind.PROTOCOL,
            repo.registry() + "/" + repo.repository() + ": tags list: HTTP " + r.code());
      }
      try {
        com.fasterxml.jackson.databind.JsonNode n =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        n.path("tags").forEach(t -> out.add(t.asText()));
      } catch (java.io.IOException e) {
        throw new MirrorException(
            MirrorException.Kind.PROTOCOL,
            repo.registry() + "/" + repo.repository() + ": tags list is not JSON");
      }
      path =
          r.header("Link")
              .map(l -> l.replaceFirst("^\\s*<([^>]*)>.*$", "$1"))
              .filter(l -> l.startsWith("/"))
              .orElse(null);
    }
    return out;
  }

  private static List<ImageRef> refs(ImageSetPlan plan) {
    return plan.images().stream().map(ImageRef::parse).toList();
  }

  /** Registry to registry; resources into {@code RESULTS/working-dir/cluster-resources}. */
  public Result toRegistry(
      ImageSetConfig isc, ImageSetInputs inputs, RegistryTarget to, Path results) {
    Resolved r = resolve(isc, inputs);
    ImageSetPlan plan = r.plan();
    MirrorSummary s = mirror.toRegistry(refs(plan), r.built(), to);
    Path wd = results.resolve("working-dir");
    plan.write(wd);
    List<Path> written =
        s.ok() ? ClusterResources.write(ClusterResources.dir(results), plan, to) : List.of();
    return new Result(s, plan, written);
  }

  /** Registry to a disk archive in {@code dir}; the plan goes along in its working-dir. */
  public Result toDisk(ImageSetConfig isc, ImageSetInputs inputs, Path dir) {
    Resolved r = resolve(isc, inputs);
    ImageSetPlan plan = r.plan();
    MirrorSummary s = mirror.toDisk(refs(plan), r.built(), dir);
    if (s.ok()) {
      plan.write(dir.resolve("working-dir"));
    }
    return new Result(s, plan, List.of());
  }

  /**
   * A disk archive into a registry; when the archive carries an image set plan, resources into
   * {@code RESULTS/working-dir/cluster-resources} ({@code RESULTS} defaults to the archive).
   */
  public Result fromDisk(Path dir, RegistryTarget to, Optional<Path> results) {
    Path wd = dir.resolve("working-dir");
    Optional<ImageSetPlan> plan =
        java.nio.file.Files.isRegularFile(wd.resolve(ImageSetPlan.FILE))
            ? Optional.of(ImageSetPlan.read(wd))
            : Optional.empty();
    MirrorSummary s = mirror.fromDisk(dir, to);
    List<Path> written =
        s.ok() && plan.isPresent()
            ? ClusterResources.write(ClusterResources.dir(results.orElse(dir)), plan.get(), to)
            : List.of();
    return new Result(s, plan.orElse(ImageSetPlan.empty()), written);
  }
}
