package org.airgap.registry.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.airgap.registry.storage.s3.S3BlobStore;
import org.airgap.registry.storage.s3.S3Bucket;
import org.airgap.registry.storage.s3.S3MetadataStore;
import org.airgap.registry.storage.s3.S3Settings;

/**
 * Opens the configured storage: the filesystem store under a folder, or the S3 store in a bucket.
 * The daemon and the {@code gc}/{@code fsck}/{@code du} commands open it the same way.
 */
public final class Stores implements AutoCloseable {
  /** Longest a "blob exists" answer is reused; always well under the GC grace period. */
  static final Duration MAX_EXISTS_TTL = Duration.ofSeconds(30);

  private final RepositoryStore store;
  private final StorageHealth health;
  private final Optional<S3Bucket> bucket;

  private Stores(RepositoryStore store, StorageHealth health, Optional<S3Bucket> bucket) {
    this.store = store;
    this.health = health;
    this.bucket = bucket;
  }

  /**
   * The S3 store when {@code s3} is set (no network traffic yet: {@link StorageHealth#check}
   * probes), else the filesystem store under {@code root}. {@code gcGrace} bounds the exists cache
   * (a quarter of it, at most 30 s).
   */
  public static Stores open(Path root, Optional<S3Settings> s3, Duration gcGrace)
      throws IOException {
    if (s3.isEmpty()) {
      return new Stores(RepositoryStore.onFiles(root), StorageHealth.ALWAYS, Optional.empty());
    }
    S3Bucket b = S3Bucket.connect(s3.get());
    Duration ttl = gcGrace.dividedBy(4);
    if (ttl.compareTo(MAX_EXISTS_TTL) > 0) {
      ttl = MAX_EXISTS_TTL;
    }
    return new Stores(
        new RepositoryStore(new S3BlobStore(b, 8 << 20, ttl), new S3MetadataStore(b)),
        b,
        Optional.of(b));
  }

  public RepositoryStore store() {
    return store;
  }

  public StorageHealth health() {
    return health;
  }

  /** The bucket, for the S3 store. */
  public Optional<S3Bucket> bucket() {
    return bucket;
  }

  /** "filesystem" or "s3". */
  public String driver() {
    return bucket.isPresent() ? "s3" : "filesystem";
  }

  @Override
  public void close() {
    bucket.ifPresent(S3Bucket::close);
  }
}
