package org.airgap.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.MediaTypes;
import org.airgap.registry.api.RepoName;

/**
 * {@code airgap registry fsck [--repair]}: re-hashes every blob, checks every link, tag and
 * manifest reference. With {@code repair}: a blob whose bytes do not match its digest goes to
 * {@code quarantine/}; links and tags that point at nothing are removed. A manifest whose blobs are
 * missing is only reported (push the image again).
 */
public final class Fsck {
  private final RepositoryStore store;
  private final BlobStore blobs;
  private final MetadataStore meta;

  public Fsck(RepositoryStore store) {
    this.store = store;
    this.blobs = store.blobs();
    this.meta = store.meta();
  }

  /** One finding: what kind, about what, and what repair did (empty when not repaired). */
  public record Problem(String kind, String subject, String detail, Optional<String> repaired) {}

  public record Report(long blobsChecked, long bytesChecked, List<Problem> problems) {
    public boolean clean() {
      return problems.isEmpty();
    }
  }

  public Report run(boolean repair) throws IOException {
    if (blobs instanceof FileBlobStore f && repair) {
      f.recover();
    }
    List<Problem> problems = new ArrayList<>();
    long[] checked = {0, 0};
    blobs.forEach(
        b -> {
          Optional<Digest> actual = rehash(b.digest());
          if (actual.isEmpty()) {
            return; // deleted meanwhile
          }
          checked[0]++;
          checked[1] += b.size();
          if (!actual.get().equals(b.digest())) {
            Optional<String> fixed =
                repair ? blobs.quarantine(b.digest()).map(p -> "moved to " + p) : Optional.empty();
            problems.add(
                new Problem(
                    "blob-corrupt", b.digest().toString(), "bytes hash to " + actual.get(), fixed));
          }
        });
    for (String repo : store.repositories()) {
      RepoName name = RepoName.parse(repo);
      String base = StorageLayout.repo(name);
      for (Digest d : digests(base + "/" + StorageLayout.LAYERS)) {
        if (blobs.size(d).isEmpty()) {
          String key = StorageLayout.layer(name, d);
          problems.add(
              new Problem(
                  "layer-link-dangling",
                  repo + "@" + d,
                  "linked blob is not stored",
                  repair && meta.delete(key) ? Optional.of("link removed") : Optional.empty()));
        }
      }
      for (Digest d : digests(base + "/" + StorageLayout.MANIFESTS)) {
        Optional<RepositoryStore.StoredManifest> m =
            blobs.size(d).isPresent()
                ? store.manifest(name, new org.airgap.registry.api.Reference.ByDigest(d))
                : Optional.empty();
        if (m.isEmpty()) {
          problems.add(
              new Problem(
                  "manifest-missing",
                  repo + "@" + d,
                  "linked manifest is not stored",
                  repair && meta.delete(StorageLayout.manifest(name, d))
                      ? Optional.of("link removed")
                      : Optional.empty()));
          continue;
        }
        Optional<org.airgap.registry.api.Manifest> p = GarbageCollector.parsed(m.get());
        if (p.isEmpty()) {
          problems.add(
              new Problem(
                  "manifest-invalid", repo + "@" + d, "cannot be parsed", Optional.empty()));
          continue;
        }
        for (Descriptor b : p.get().blobs()) {
          if (!MediaTypes.isNonDistributable(b.mediaType()) && blobs.size(b.digest()).isEmpty()) {
            problems.add(
                new Problem(
                    "manifest-blob-missing",
                    repo + "@" + d,
                    "references " + b.digest() + ", not stored (push the image again)",
                    Optional.empty()));
          }
        }
        for (Descriptor c : p.get().manifests()) {
          if (meta.get(StorageLayout.manifest(name, c.digest())).isEmpty()) {
            problems.add(
                new Problem(
                    "manifest-child-missing",
                    repo + "@" + d,
                    "references manifest " + c.digest() + ", not in the repository",
                    Optional.empty()));
          }
        }
      }
      for (String t : store.tags(name)) {
        String key = StorageLayout.tags(name) + "/" + t;
        Optional<byte[]> v = meta.get(key);
        Optional<Digest> target = Optional.empty();
        try {
          target = v.map(b -> Digest.parse(new String(b, StandardCharsets.UTF_8).strip()));
        } catch (RuntimeException e) {
          // not a digest: dangling
        }
        if (target.isEmpty()
            || meta.get(StorageLayout.manifest(name, target.get())).isEmpty()
            || blobs.size(target.get()).isEmpty()) {
          problems.add(
              new Problem(
                  "tag-dangling",
                  repo + ":" + t,
                  "points at " + target.map(Digest::toString).orElse("nothing"),
                  repair && meta.delete(key) ? Optional.of("tag removed") : Optional.empty()));
        }
      }
    }
    return new Report(checked[0], checked[1], List.copyOf(problems));
  }

  private Optional<Digest> rehash(Digest d) throws IOException {
    Optional<BlobStore.BlobReader> r = blobs.open(d);
    if (r.isEmpty()) {
      return Optional.empty();
    }
    MessageDigest md = Digest.hasher(d.algorithm());
    try (BlobStore.BlobReader reader = r.get()) {
      if (reader.fileChannel().isPresent()) {
        var fc = reader.fileChannel().get();
        var buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
        long pos = 0;
        int n;
        while ((n = fc.read(buf, pos)) >= 0) {
          pos += n;
          buf.flip();
          md.update(buf);
          buf.clear();
        }
      } else {
        try (InputStream in = reader.stream(0, reader.size())) {
          byte[] buf = new byte[1 << 20];
          int n;
          while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
          }
        }
      }
    }
    return Optional.of(Digest.of(d.algorithm(), md));
  }

  private List<Digest> digests(String dir) throws IOException {
    List<Digest> out = new ArrayList<>();
    for (String alg : meta.children(dir)) {
      for (String hex : meta.children(dir + "/" + alg)) {
        try {
          out.add(Digest.parse(alg + ":" + hex));
        } catch (RuntimeException e) {
          // not a link
        }
      }
    }
    return out;
  }
}
