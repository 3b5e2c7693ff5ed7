package org.airgap.registry.mirror;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;

/**
 * The mirroring engine: registry to registry, registry to a disk archive, disk archive to a
 * registry, each also as a dry run. Images are planned first (every manifest fetched and verified),
 * then copied: blobs in parallel over all images (each digest once per target registry; the others
 * mounted from the repository that got it), then manifests by digest, children before their index,
 * and last the tags. A failing image is reported and the others go on; the summary says how many
 * failed.
 */
public final class Mirror implements AutoCloseable {
  private final RegistryClient client;
  private final MirrorOptions options;
  private final MirrorListener listener;
  private final BlobCopier copier;
  private final ExecutorService imagePool;
  private final ExecutorService blobPool;
  private final Map<String, CompletableFuture<RepoName>> placed = new ConcurrentHashMap<>();

  public Mirror(RegistryClient client, MirrorOptions options, MirrorListener listener) {
    this.client = client;
    this.options = options;
    this.listener = listener;
    this.copier = new BlobCopier(client, listener);
    AtomicInteger n = new AtomicInteger();
    this.imagePool =
        Executors.newFixedThreadPool(
            options.parallelImages(), r -> daemon(r, "mirror-image-" + n.incrementAndGet()));
    this.blobPool =
        Executors.newFixedThreadPool(
            options.parallelBlobs(), r -> daemon(r, "mirror-blob-" + n.incrementAndGet()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Per-image counters. */
  private static final class Tally {
    final AtomicInteger copied = new AtomicInteger();
    final AtomicInteger present = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
  }

  /**
   * An image built here rather than read from a source (a filtered catalog): its plan and where
   * each of its blobs comes from.
   */
  public record Built(ImagePlan plan, java.util.function.Function<Digest, BlobSource> blobs) {}

  /** A planned image, or why it could not be planned; built images carry their blob sources. */
  private record Planned(
      String given,
      List<ImagePlan> plans,
      Optional<String> error,
      Optional<java.util.function.Function<Digest, BlobSource>> blobs) {
    Planned(String given, List<ImagePlan> plans, Optional<String> error) {
      this(given, plans, error, Optional.empty());
    }
  }

  // ------------------------------------------------------------------ planning

  private List<Planned> planAll(List<ImageRef> refs) {
    return planAll(refs, List.of());
  }

  private List<Planned> planAll(List<ImageRef> refs, List<Built> built) {
    List<Future<Planned>> fs = new ArrayList<>();
    Planner planner = new Planner(client, options.platforms());
    for (ImageRef r : refs) {
      fs.add(
          imagePool.submit(
              () -> {
                try {
                  return new Planned(
                      r.toString(), planner.plan(r, options.signatures()), Optional.empty());
                } catch (MirrorException e) {
                  return new Planned(r.toString(), List.of(), Optional.of(e.getMessage()));
                }
              }));
    }
    List<Planned> out = new ArrayList<>();
    for (Future<Planned> f : fs) {
      out.add(join(f));
    }
    for (Built b : built) {
      out.add(
          new Planned(
              b.plan().source(), List.of(b.plan()), Optional.empty(), Optional.of(b.blobs())));
    }
    long bytes = 0;
    int images = 0;
    Set<Digest> seen = new LinkedHashSet<>();
    for (Planned p : out) {
      images += Math.max(1, p.plans().size());
      for (ImagePlan ip : p.plans()) {
        for (Descriptor d : ip.blobs()) {
          if (seen.add(d.digest())) {
            bytes += d.size();
          }
        }
      }
    }
    listener.planned(images, bytes);
    return out;
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MirrorException(MirrorException.Kind.UNREACHABLE, "interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  // ------------------------------------------------------------------ registry to registry

  /** Copies images from their registries into {@code to}. */
  public MirrorSummary toRegistry(List<ImageRef> refs, RegistryTarget to) {
    return toRegistry(refs, List.of(), to);
  }

  /** Copies images from their registries, and images built here, into {@code to}. */
  public MirrorSummary toRegistry(List<ImageRef> refs, List<Built> built, RegistryTarget to) {
    Instant start = Instant.now();
    List<Planned> planned = planAll(refs, built);
    List<Future<List<ImageResult>>> fs = new ArrayList<>();
    for (Planned p : planned) {
      fs.add(
          imagePool.submit(
              () -> {
                if (p.error().isPresent()) {
                  ImageResult r = ImageResult.failed(p.given(), to.toString(), p.error().get());
                  listener.imageDone(r);
                  return List.of(r);
                }
                List<ImageResult> rs = new ArrayList<>();
                if (p.blobs().isPresent()) {
                  ImageResult r = copyPlan(p.plans().get(0), to, p.blobs().get());
                  listener.imageDone(r);
                  return List.of(r);
                }
                ImageRef src = ImageRef.parse(p.given());
                for (ImagePlan plan : p.plans()) {
                  ImageRef from =
                      new ImageRef(
                          src.registry(),
                          plan.repository(),
                          Optional.empty(),
                          Optional.of(plan.digest()));
                  ImageResult r = copyPlan(plan, to, d -> BlobSource.registry(client, from, d));
                  listener.imageDone(r);
                  rs.add(r);
                }
                return rs;
              }));
    }
    return summary(
        options.dryRun() ? "dry-run registry-to-registry" : "registry-to-registry",
        fs,
        start,
        List.of());
  }

  private MirrorSummary summary(
      String mode, List<Future<List<ImageResult>>> fs, Instant start, List<String> notes) {
    List<ImageResult> all = new ArrayList<>();
    for (Future<List<ImageResult>> f : fs) {
      all.addAll(join(f));
    }
    long moved = all.stream().mapToLong(ImageResult::bytesCopied).sum();
    MirrorSummary s =
        new MirrorSummary(
            mode, all, moved, presentBytes.get(), Duration.between(start, Instant.now()), notes);
    listener.finished(s);
    return s;
  }

  private final AtomicLong presentBytes = new AtomicLong();

  /** Blobs, then manifests by digest, then tags; a failure becomes the image's error. */
  private ImageResult copyPlan(
      ImagePlan plan, RegistryTarget to, java.util.function.Function<Digest, BlobSource> sources) {
    RepoName repo = to.repository(plan.repository());
    String target =
        to.registry() + "/" + repo + ":" + plan.tags().get(0).value() + "@" + plan.digest();
    Tally t = new Tally();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (Descriptor d : plan.blobs()) {
        fs.add(
            blobPool.submit(
                () -> ensureBlob(to.registry(), repo, d, sources.apply(d.digest()), t)));
      }
      MirrorException first = null;
      for (Future<?> f : fs) {
        try {
          join(f);
        } catch (MirrorException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
      if (!options.dryRun()) {
        pushManifests(to.registry(), repo, plan.manifests(), plan.tags());
      }
      return new ImageResult(
          plan.source(),
          target,
          Optional.of(plan.digest().toString()),
          t.copied.get(),
          t.present.get(),
          t.bytes.get(),
          Optional.empty());
    } catch (MirrorException e) {
      return new ImageResult(
          plan.source(),
          target,
          Optional.of(plan.digest().toString()),
          t.copied.get(),
          t.present.get(),
          t.bytes.get(),
          Optional.of(e.getMessage()));
    }
  }

  private void pushManifests(
      String registry, RepoName repo, List<ManifestBlob> manifests, List<Tag> tags) {
    for (int i = 0; i < manifests.size() - 1; i++) {
      ManifestBlob m = manifests.get(i);
      client.putManifest(registry, repo, m.digest().toString(), m.mediaType(), m.bytes());
    }
    ManifestBlob top = manifests.get(manifests.size() - 1);
    for (Tag tag : tags) {
      client.putManifest(registry, repo, tag.value(), top.mediaType(), top.bytes());
    }
  }

  /**
   * Makes sure {@code repo} has the blob: already there, mounted from the repository that got it
   * first in this run, or uploaded. Each digest is uploaded once per target registry.
   */
  private void ensureBlob(
      String registry, RepoName repo, Descriptor d, BlobSource source, Tally t) {
    String key = registry + "|" + d.digest();
    CompletableFuture<RepoName> mine = new CompletableFuture<>();
    CompletableFuture<RepoName> first = placed.putIfAbsent(key, mine);
    if (first != null) {
      Optional<RepoName> where;
      try {
        where = Optional.of(first.join());
      } catch (CompletionException e) {
        where = Optional.empty();
      }
      if (where.isPresent() && where.get().equals(repo)) {
        present(t, d);
        return;
      }
      if (client.blobExists(registry, repo, d.digest())) {
        present(t, d);
        return;
      }
      if (options.dryRun()) {
        present(t, d); // the first image counted it
        return;
      }
      if (where.isPresent()) {
        Optional<java.net.URI> upload = client.startUpload(registry, repo, d.digest(), where);
        if (upload.isEmpty()) {
          present(t, d);
          return;
        }
        client.cancelUpload(registry, repo, upload.get());
      }
      copy(registry, repo, d, source, t);
      return;
    }
    try {
      if (client.blobExists(registry, repo, d.digest())) {
        present(t, d);
      } else if (options.dryRun()) {
        t.copied.incrementAndGet();
        t.bytes.addAndGet(d.size());
      } else {
        copy(registry, repo, d, source, t);
      }
      mine.complete(repo);
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private void copy(String registry, RepoName repo, Descriptor d, BlobSource source, Tally t) {
    long n = copier.upload(registry, repo, d, source);
    t.copied.incrementAndGet();
    t.bytes.addAndGet(n);
  }

  private void present(Tally t, Descriptor d) {
    t.present.incrementAndGet();
    presentBytes.addAndGet(d.size());
    listener.present(d.size());
  }

  // ------------------------------------------------------------------ registry to disk

  /**
   * Writes images into the archive in {@code dir}: only blobs and manifests the archive does not
   * hold yet, in chunks of at most the chosen size. Stops at the first blob that cannot be read
   * (completed chunks stay; the next run goes on from there).
   */
  public MirrorSummary toDisk(List<ImageRef> refs, Path dir) {
    return toDisk(refs, List.of(), dir);
  }

  /** Writes images, and images built here, into the archive in {@code dir}. */
  public MirrorSummary toDisk(List<ImageRef> refs, List<Built> built, Path dir) {
    Instant start = Instant.now();
    List<Planned> planned = planAll(refs, built);
    ArchiveIndex index = ArchiveIndex.readOrEmpty(dir);
    String target = "file://" + dir.toAbsolutePath();
    Map<Digest, DiskArchive.Item> items = new LinkedHashMap<>();
    List<ImageResult> results = new ArrayList<>();
    List<ArchiveIndex.Image> images = new ArrayList<>();
    Map<ImagePlan, Tally> tallies = new LinkedHashMap<>();
    for (Planned p : planned) {
      if (p.error().isPresent()) {
        results.add(ImageResult.failed(p.given(), target, p.error().get()));
        continue;
      }
      for (ImagePlan plan : p.plans()) {
        Tally t = new Tally();
        tallies.put(plan, t);
        java.util.function.Function<Digest, BlobSource> sources =
            p.blobs()
                .orElseGet(
                    () -> {
                      ImageRef src = ImageRef.parse(p.given());
                      ImageRef from =
                          new ImageRef(
                              src.registry(),
                              plan.repository(),
                              Optional.empty(),
                              Optional.of(plan.digest()));
                      return d -> BlobSource.registry(client, from, d);
                    });
        for (ManifestBlob m : plan.manifests()) {
          if (!index.blobs().containsKey(m.digest().toString())) {
            items.putIfAbsent(m.digest(), DiskArchive.manifestItem(m));
          }
        }
        for (Descriptor d : plan.blobs()) {
          if (index.blobs().containsKey(d.digest().toString())) {
            present(t, d);
          } else if (items.putIfAbsent(
                  d.digest(),
                  new DiskArchive.Item(d.digest(), d.size(), "", sources.apply(d.digest())))
              == null) {
            t.copied.incrementAndGet();
            t.bytes.addAndGet(d.size());
          } else {
            present(t, d);
          }
        }
        images.add(
            new ArchiveIndex.Image(
                plan.source(),
                plan.repository().value(),
                plan.tags().stream().map(Tag::value).toList(),
                plan.digest().toString(),
                plan.manifests().stream().map(m -> m.digest().toString()).toList(),
                plan.blobs().stream().map(d -> d.digest().toString()).toList(),
                index.lastRun() + 1));
      }
    }
    List<String> notes = new ArrayList<>();
    long newBytes = items.values().stream().mapToLong(DiskArchive.Item::size).sum();
    notes.add(
        items.size()
            + " new blobs and manifests ("
            + Sizes.human(newBytes)
            + "); "
            + index.blobs().size()
            + " already in the archive");
    Optional<String> failure = Optional.empty();
    if (!options.dryRun()) {
      try (DiskArchive.Writer w =
          new DiskArchive.Writer(
              dir, index, options.archiveChunkSize(), listener, Backoff.of(client.options()))) {
        for (DiskArchive.Item it : items.values()) {
          w.add(it);
        }
        w.closeChunk();
        ArchiveIndex done =
            w.index()
                .withRun(
                    new ArchiveIndex.Run(
                        w.run(),
                        Instant.now().toString(),
                        images.size(),
                        items.size(),
                        newBytes,
                        w.chunksWritten()),
                    images);
        done.write(dir);
        notes.add(
            "run "
                + w.run()
                + " wrote "
                + w.chunksWritten().size()
                + " chunk(s): "
                + String.join(", ", w.chunksWritten()));
      } catch (IOException | MirrorException e) {
        String why = e instanceof MirrorException ? e.getMessage() : dir + ": " + e.getMessage();
        failure = Optional.of(why + " (finished chunks are kept; run again to continue)");
      }
    }
    for (Map.Entry<ImagePlan, Tally> e : tallies.entrySet()) {
      ImagePlan plan = e.getKey();
      Tally t = e.getValue();
      ImageResult r =
          new ImageResult(
              plan.source(),
              target + "#" + plan.repository() + "@" + plan.digest(),
              Optional.of(plan.digest().toString()),
              t.copied.get(),
              t.present.get(),
              failure.isPresent() ? 0 : t.bytes.get(),
              failure);
      listener.imageDone(r);
      results.add(r);
    }
    List<Future<List<ImageResult>>> done = List.of(CompletableFuture.completedFuture(results));
    return summary(
        options.dryRun() ? "dry-run registry-to-disk" : "registry-to-disk", done, start, notes);
  }

  // ------------------------------------------------------------------ disk to registry

  /** Loads every image of the archive in {@code dir} into {@code to}. */
  public MirrorSummary fromDisk(Path dir, RegistryTarget to) {
    Instant start = Instant.now();
    ArchiveIndex index = ArchiveIndex.read(dir);
    Set<String> all = new LinkedHashSet<>();
    long bytes = 0;
    for (ArchiveIndex.Image i : index.images()) {
      all.addAll(i.manifests());
      for (String b : i.blobs()) {
        if (all.add(b)) {
          bytes += index.blobs().getOrDefault(b, new ArchiveIndex.Blob(0, "", List.of())).size();
        }
      }
    }
    listener.planned(index.images().size(), bytes);
    String source = "file://" + dir.toAbsolutePath();
    try (DiskArchive.Reader reader = new DiskArchive.Reader(dir, index)) {
      try {
        reader.open(List.copyOf(all));
      } catch (MirrorException e) {
        List<ImageResult> failed = new ArrayList<>();
        for (ArchiveIndex.Image i : index.images()) {
          ImageResult r = ImageResult.failed(i.source(), to.toString(), e.getMessage());
          listener.imageDone(r);
          failed.add(r);
        }
        return summary(
            "disk-to-registry",
            List.of(CompletableFuture.completedFuture(failed)),
            start,
            List.of());
      }
      List<Future<List<ImageResult>>> fs = new ArrayList<>();
      for (ArchiveIndex.Image i : index.images()) {
        fs.add(
            imagePool.submit(
                () -> {
                  ImageResult r = loadImage(reader, i, to, source);
                  listener.imageDone(r);
                  return List.of(r);
                }));
      }
      return summary(
          options.dryRun() ? "dry-run disk-to-registry" : "disk-to-registry", fs, start, List.of());
    }
  }

  private ImageResult loadImage(
      DiskArchive.Reader reader, ArchiveIndex.Image i, RegistryTarget to, String source) {
    try {
      List<ManifestBlob> manifests = new ArrayList<>();
      for (String m : i.manifests()) {
        manifests.add(reader.manifest(m));
      }
      List<Descriptor> blobs = new ArrayList<>();
      for (String b : i.blobs()) {
        ArchiveIndex.Blob ab = reader.blob(b);
        blobs.add(
            new Descriptor(
                "application/octet-stream",
                Digest.parse(b),
                ab.size(),
                Optional.empty(),
                com.fasterxml.jackson.databind.node.NullNode.getInstance()));
      }
      ImagePlan plan =
          new ImagePlan(
              source + "#" + i.repository() + "@" + i.digest(),
              RepoName.parse(i.repository()),
              Digest.parse(i.digest()),
              i.tags().stream().map(Tag::parse).toList(),
              manifests,
              blobs);
      ImageResult r = copyPlan(plan, to, d -> reader.source(d.toString()));
      return r;
    } catch (MirrorException e) {
      return ImageResult.failed(i.source(), to.toString(), e.getMessage());
    }
  }

  @Override
  public void close() {
    imagePool.shutdownNow();
    blobPool.shutdownNow();
  }
}
