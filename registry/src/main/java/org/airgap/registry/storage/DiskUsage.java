package org.airgap.registry.storage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RepoName;

/**
 * {@code airgap registry du}: the bytes each repository links (layers, configs, manifests; a blob
 * counts once per repository), the part of it no other repository links ({@code exclusive}: what
 * deleting the repository and a GC would free), the store's total, and what a GC run would free now
 * (a dry run with the same grace period).
 */
public final class DiskUsage {
  private final RepositoryStore store;

  public DiskUsage(RepositoryStore store) {
    this.store = store;
  }

  public record Repo(String name, long blobs, long bytes, long exclusiveBytes) {}

  public record Report(
      List<Repo> repositories, long storedBlobs, long storedBytes, long gcWouldFree, int gcBlobs) {}

  public Report run(Duration grace, boolean deleteUntagged) throws IOException {
    Map<Digest, Long> sizes = new HashMap<>();
    store.blobs().forEach(b -> sizes.put(b.digest(), b.size()));
    MetadataStore meta = store.meta();
    Map<String, Set<Digest>> linked = new HashMap<>();
    Map<Digest, Integer> holders = new HashMap<>();
    for (String repo : store.repositories()) {
      String base = StorageLayout.repo(RepoName.parse(repo));
      Set<Digest> ds = new HashSet<>();
      for (String kind : List.of(StorageLayout.LAYERS, StorageLayout.MANIFESTS)) {
        for (String alg : meta.children(base + "/" + kind)) {
          for (String hex : meta.children(base + "/" + kind + "/" + alg)) {
            try {
              Digest d = Digest.parse(alg + ":" + hex);
              if (sizes.containsKey(d)) {
                ds.add(d);
              }
            } catch (RuntimeException e) {
              // not a link
            }
          }
        }
      }
      linked.put(repo, ds);
      ds.forEach(d -> holders.merge(d, 1, Integer::sum));
    }
    List<Repo> repos = new ArrayList<>();
    for (Map.Entry<String, Set<Digest>> e : linked.entrySet()) {
      long bytes = 0;
      long exclusive = 0;
      for (Digest d : e.getValue()) {
        bytes += sizes.get(d);
        if (holders.get(d) == 1) {
          exclusive += sizes.get(d);
        }
      }
      repos.add(new Repo(e.getKey(), e.getValue().size(), bytes, exclusive));
    }
    repos.sort((a, b) -> a.name().compareTo(b.name()));
    GarbageCollector.Report gc =
        new GarbageCollector(store).run(new GarbageCollector.Options(true, deleteUntagged, grace));
    long total = sizes.values().stream().mapToLong(Long::longValue).sum();
    return new Report(repos, sizes.size(), total, gc.bytesFreed(), gc.deletedBlobs().size());
  }
}
