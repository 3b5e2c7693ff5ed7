package org.airgap.registry.storage;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Small named values: repository links, tags, referrer descriptors. Keys are {@code /}-separated
 * paths of safe segments (see {@link StorageLayout}). The second seam of the storage, beside {@link
 * BlobStore}: a filesystem folder or an S3 prefix. Every implementation passes {@code
 * MetadataStoreContract}.
 */
public interface MetadataStore {

  /** The value of {@code key}, if set. */
  Optional<byte[]> get(String key) throws IOException;

  /** Sets {@code key} atomically: a reader sees the old or the new value, never a torn one. */
  void put(String key, byte[] value) throws IOException;

  /** Removes {@code key}; returns whether it was there. */
  boolean delete(String key) throws IOException;

  /**
   * Removes {@code key} only while its value is {@code expected} (a tag still pointing at the
   * manifest being deleted, not one moved meanwhile); returns whether it removed it. As atomic as
   * the backend allows: a lock in this process for files, {@code If-Match} on S3 endpoints that
   * honour it.
   */
  boolean deleteIf(String key, byte[] expected) throws IOException;

  /**
   * The names one level below {@code prefix} (keys and key prefixes alike), sorted; empty when
   * nothing is there.
   */
  List<String> children(String prefix) throws IOException;

  /** When {@code key} was last set (epoch milliseconds), if it is set. */
  Optional<Long> modifiedMillis(String key) throws IOException;

  /** Whether {@code key} has a value or anything below it. */
  default boolean exists(String key) throws IOException {
    return get(key).isPresent() || !children(key).isEmpty();
  }
}
