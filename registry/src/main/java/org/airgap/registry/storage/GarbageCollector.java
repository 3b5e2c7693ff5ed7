package org.airgap.registry.storage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RepoName;

/**
 * Online garbage collection: mark and sweep with a grace period, safe while the registry serves (in
 * this process or another one on the same storage, such as the {@code airgap registry gc} CLI
 * beside the daemon).
 *
 * <h2>Design</h2>
 *
 * <ol>
 *   <li><b>Roots.</b> Every manifest linked in any repository (untagged ones too: nodes pull by
 *       digest). With {@code deleteUntagged}, a manifest is kept only when a tag reaches it,
 *       directly or as a child of a kept index, or when it refers (OCI {@code subject}) to a kept
 *       manifest; the others are unlinked first — but only when their link is older than the grace
 *       period, so a child pushed by digest just before its index is never taken.
 *   <li><b>Mark.</b> The manifests' own blobs, their config and layers, their children.
 *   <li><b>Sweep.</b> A blob not marked is deleted only if nobody touched it since {@code cutoff =
 *       start − grace}. Every write that makes a blob needed touches it (sets its modification
 *       time): an upload's commit, a manifest's store, and a manifest PUT for every blob it
 *       references, before it links the manifest. So a blob being uploaded (it is not in {@code
 *       blobs/} until its commit), or referenced by a manifest pushed during the GC, is never
 *       deleted: the PUT touched it after the GC started. {@link BlobStore#deleteIfUntouchedSince}
 *       makes the check and the delete one step against a concurrent touch (move aside, look, move
 *       back or delete).
 * </ol>
 *
 * There is no in-memory "blob exists" cache to invalidate: every existence check reads the store,
 * so delete → gc → re-push stores the blob again. Layer links of deleted blobs stay until {@code
 * fsck --repair} (a link without a blob reads as absent and is rewritten by the next push). The
 * grace period must be longer than the longest push (blobs of an image first, its manifest last).
 */
public final class GarbageCollector {
  private final RepositoryStore store;
  private final BlobStore blobs;
  private final MetadataStore meta;

  public GarbageCollector(RepositoryStore store) {
    this.store = store;
    this.blobs = store.blobs();
    this.meta = store.meta();
  }

  /** What to do. */
  public record Options(boolean dryRun, boolean deleteUntagged, Duration grace) {
    public Options {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("negative grace period");
      }
    }
  }

  /** What a run did (or, in a dry run, would do). */
  public record Report(
      boolean dryRun,
      List<String> untaggedManifests,
      List<String> deletedBlobs,
      long bytesFreed,
      int blobsKept,
      long bytesKept,
      int tooYoung,
      long millis) {}

  public Report run(Options o) throws IOException {
    long start = System.currentTimeMillis();
    long cutoff = start - o.grace().toMillis();
    if (blobs instanceof FileBlobStore f) {
      f.recover();
    }
    List<String> untagged = new ArrayList<>();
    Set<Digest> marked = new HashSet<>();
    for (String repo : store.repositories()) {
      RepoName name = RepoName.parse(repo);
      Map<Digest, RepositoryStore.StoredManifest> manifests = manifests(name);
      Set<Digest> keep = new HashSet<>(manifests.keySet());
      if (o.deleteUntagged()) {
        keep = reachable(name, manifests);
        for (Digest d : manifests.keySet()) {
          if (keep.contains(d)) {
            continue;
          }
          String key = StorageLayout.manifest(name, d);
          if (meta.modifiedMillis(key).orElse(start) >= cutoff) {
            keep.add(d); // pushed recently: maybe the child of an index still being pushed
            continue;
          }
          untagged.add(repo + "@" + d);
          if (!o.dryRun()) {
            store.deleteManifest(name, d);
          }
        }
      }
      for (Digest d : keep) {
        RepositoryStore.StoredManifest m = manifests.get(d);
        marked.add(d);
        if (m != null) {
          parsed(m).ifPresent(p -> p.blobs().forEach(b -> marked.add(b.digest())));
          parsed(m).ifPresent(p -> p.manifests().forEach(c -> marked.add(c.digest())));
        }
      }
    }
    List<String> deleted = new ArrayList<>();
    long[] freed = {0};
    long[] kept = {0, 0};
    int[] young = {0};
    blobs.forEach(
        b -> {
          if (marked.contains(b.digest())) {
            kept[0]++;
            kept[1] += b.size();
          } else if (b.touchedMillis() >= cutoff) {
            young[0]++;
            kept[0]++;
            kept[1] += b.size();
          } else if (o.dryRun()) {
            deleted.add(b.digest().toString());
            freed[0] += b.size();
          } else {
            long n = blobs.deleteIfUntouchedSince(b.digest(), cutoff);
            if (n > 0) {
              deleted.add(b.digest().toString());
              freed[0] += n;
            } else {
              kept[0]++;
              kept[1] += b.size();
            }
          }
        });
    deleted.sort(null);
    return new Report(
        o.dryRun(),
        untagged,
        deleted,
        freed[0],
        (int) kept[0],
        kept[1],
        young[0],
        System.currentTimeMillis() - start);
  }

  /** The manifests linked in {@code name}, by digest (those whose bytes are readable). */
  Map<Digest, RepositoryStore.StoredManifest> manifests(RepoName name) throws IOException {
    Map<Digest, RepositoryStore.StoredManifest> out = new HashMap<>();
    String dir = StorageLayout.repo(name) + "/" + StorageLayout.MANIFESTS;
    for (String alg : meta.children(dir)) {
      for (String hex : meta.children(dir + "/" + alg)) {
        Digest d;
        try {
          d = Digest.parse(alg + ":" + hex);
        } catch (RuntimeException e) {
          continue;
        }
        Optional<RepositoryStore.StoredManifest> m =
            store.manifest(name, new org.airgap.registry.api.Reference.ByDigest(d));
        if (m.isPresent()) {
          out.put(d, m.get());
        } else {
          out.put(d, null); // linked but its bytes are gone: fsck reports it; keep the link
        }
      }
    }
    return out;
  }

  /** Manifests reachable from tags, through index children, and referrers of those. */
  private Set<Digest> reachable(
      RepoName name, Map<Digest, RepositoryStore.StoredManifest> manifests) throws IOException {
    Set<Digest> keep = new HashSet<>();
    List<Digest> todo = new ArrayList<>();
    for (String t : store.tags(name)) {
      store
          .resolve(
              name, new org.airgap.registry.api.Reference.ByTag(new org.airgap.registry.api.Tag(t)))
          .ifPresent(todo::add);
    }
    boolean grew = true;
    while (grew) {
      while (!todo.isEmpty()) {
        Digest d = todo.remove(todo.size() - 1);
        if (keep.add(d) && manifests.get(d) != null) {
          parsed(manifests.get(d)).ifPresent(p -> p.manifests().forEach(c -> todo.add(c.digest())));
        }
      }
      grew = false;
      for (Map.Entry<Digest, RepositoryStore.StoredManifest> e : manifests.entrySet()) {
        if (!keep.contains(e.getKey()) && e.getValue() != null) {
          Optional<org.airgap.registry.api.Manifest> p = parsed(e.getValue());
          if (p.isPresent()
              && p.get().subject().isPresent()
              && keep.contains(p.get().subject().get().digest())) {
            todo.add(e.getKey());
            grew = true;
          }
        }
      }
    }
    return keep;
  }

  static Optional<org.airgap.registry.api.Manifest> parsed(RepositoryStore.StoredManifest m) {
    try {
      return Optional.of(
          org.airgap.registry.api.Manifest.parse(Optional.of(m.mediaType()), m.bytes()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
