package org.airgap.registry.mirror;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.Manifest;
import org.airgap.registry.api.MediaTypes;
import org.airgap.registry.api.RegistryException;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;

/**
 * Resolves images in a source registry into {@link ImagePlan}s: fetches the manifest by tag or
 * digest, walks an index into its children (all, or the {@code --platform} ones), verifies every
 * manifest's digest, and finds the sigstore signature tag {@code sha256-HEX.sig} of the image.
 */
public final class Planner {
  private final RegistryClient client;
  private final Set<Platform> platforms;

  public Planner(RegistryClient client, Set<Platform> platforms) {
    this.client = client;
    this.platforms = Set.copyOf(platforms);
  }

  /** The image and, when the source has one, its signature image: one or two plans. */
  public List<ImagePlan> plan(ImageRef ref, boolean signatures) {
    ImagePlan main = resolve(ref);
    List<ImagePlan> out = new ArrayList<>(List.of(main));
    if (signatures) {
      Tag sig = ImagePlan.signatureTag(main.digest());
      if (client.manifestExists(ref.registry(), ref.repository(), sig.value())) {
        ImageRef sref =
            new ImageRef(ref.registry(), ref.repository(), Optional.of(sig), Optional.empty());
        out.add(resolve(sref));
      }
    }
    return out;
  }

  /** One image. */
  public ImagePlan resolve(ImageRef ref) {
    ManifestBlob top = fetch(ref, ref.reference(), ref.digest());
    List<ManifestBlob> manifests = new ArrayList<>();
    Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    walk(ref, top, manifests, blobs, 0);
    List<Tag> tags =
        ref.tag().isPresent()
            ? List.of(ref.tag().get())
            : List.of(ImagePlan.derivedTag(top.digest()));
    return new ImagePlan(
        ref.toString(),
        ref.repository(),
        top.digest(),
        tags,
        manifests,
        List.copyOf(blobs.values()));
  }

  private void walk(
      ImageRef ref,
      ManifestBlob m,
      List<ManifestBlob> out,
      Map<Digest, Descriptor> blobs,
      int depth) {
    Manifest parsed = parse(ref, m);
    if (MediaTypes.isIndex(parsed.mediaType())) {
      if (depth > 2) {
        throw new MirrorException(MirrorException.Kind.PROTOCOL, ref + ": indexes nested too deep");
      }
      int kept = 0;
      for (Descriptor c : parsed.manifests()) {
        if (!platforms.isEmpty()
            && platforms.stream().noneMatch(p -> p.matches(c.raw().get("platform")))) {
          continue;
        }
        kept++;
        walk(
            ref, fetch(ref, c.digest().toString(), Optional.of(c.digest())), out, blobs, depth + 1);
      }
      if (kept == 0) {
        throw new MirrorException(
            MirrorException.Kind.NOT_FOUND, ref + ": no manifest for platform(s) " + platforms);
      }
    } else {
      for (Descriptor b : parsed.blobs()) {
        if (!MediaTypes.isNonDistributable(b.mediaType())) {
          blobs.putIfAbsent(b.digest(), b);
        }
      }
    }
    if (out.stream().noneMatch(x -> x.digest().equals(m.digest()))) {
      out.add(m);
    }
  }

  private static Manifest parse(ImageRef ref, ManifestBlob m) {
    try {
      return Manifest.parse(Optional.of(m.mediaType()), m.bytes());
    } catch (RegistryException e) {
      throw new MirrorException(
          MirrorException.Kind.PROTOCOL, ref + ": manifest " + m.digest() + ": " + e.text(), e);
    }
  }

  private ManifestBlob fetch(ImageRef ref, String reference, Optional<Digest> expected) {
    RegistryClient.Reply r =
        client
            .getManifest(ref.registry(), ref.repository(), reference)
            .orElseThrow(
                () ->
                    new MirrorException(
                        MirrorException.Kind.NOT_FOUND,
                        ref.registry()
                            + "/"
                            + ref.repository()
                            + ":"
                            + reference
                            + ": image not found"));
    Digest d =
        expected.orElseGet(
            () ->
                r.header("Docker-Content-Digest")
                    .filter(Digest::looksLikeDigest)
                    .map(Digest::parse)
                    .orElseGet(() -> Digest.sha256(r.body())));
    String type =
        r.header("Content-Type")
            .map(MediaTypes::base)
            .filter(t -> MediaTypes.isIndex(t) || MediaTypes.isImageManifest(t))
            .orElseGet(() -> parse(ref, r.body()).mediaType());
    try {
      return new ManifestBlob(d, type, r.body());
    } catch (MirrorException e) {
      throw new MirrorException(
          MirrorException.Kind.CORRUPT, ref + ": " + e.getMessage() + " (source sent other bytes)");
    }
  }

  private static Manifest parse(ImageRef ref, byte[] body) {
    try {
      return Manifest.parse(Optional.empty(), body);
    } catch (RegistryException e) {
      throw new MirrorException(MirrorException.Kind.PROTOCOL, ref + ": " + e.text(), e);
    }
  }

  /** Whether a repository name is valid (for building targets). */
  static RepoName repo(String s) {
    return RepoName.parse(s);
  }
}
