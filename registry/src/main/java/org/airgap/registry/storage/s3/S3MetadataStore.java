package org.airgap.registry.storage.s3;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.storage.MetadataStore;
import org.airgap.registry.storage.StorageLayout;

/**
 * {@link MetadataStore} as small objects: a key is an object key under the bucket's prefix, a value
 * its bytes. A PUT replaces an object whole, so a reader sees the old or the new value, never a
 * torn one; {@link #children} is a delimited listing (sorted by the endpoint, and again here).
 */
public final class S3MetadataStore implements MetadataStore {
  private final S3Bucket bucket;

  public S3MetadataStore(S3Bucket bucket) {
    this.bucket = bucket;
  }

  private String object(String key) {
    return bucket.key(StorageLayout.checkKey(key));
  }

  @Override
  public Optional<byte[]> get(String key) throws IOException {
    return bucket.get(object(key)).map(S3Bucket.Value::bytes);
  }

  @Override
  public void put(String key, byte[] value) throws IOException {
    bucket.put(object(key), value);
  }

  @Override
  public boolean delete(String key) throws IOException {
    String k = object(key);
    if (bucket.head(k).isEmpty()) {
      return false;
    }
    bucket.delete(k);
    return true;
  }

  /**
   * Deletes {@code key} only while its value is {@code expected}: with conditional writes the
   * DELETE carries the ETag read here ({@code If-Match}), so a value changed meanwhile stays;
   * without them a change in the instant between the read and the delete is lost (documented).
   */
  @Override
  public boolean deleteIf(String key, byte[] expected) throws IOException {
    String k = object(key);
    Optional<S3Bucket.Value> v = bucket.get(k);
    if (v.isEmpty() || !Arrays.equals(v.get().bytes(), expected)) {
      return false;
    }
    try {
      bucket.deleteIf(k, v.get().etag());
      return true;
    } catch (S3Bucket.PreconditionFailed e) {
      return false;
    }
  }

  @Override
  public List<String> children(String prefix) throws IOException {
    String p = prefix.isEmpty() ? bucket.key("") : object(prefix) + "/";
    return bucket.children(p);
  }

  @Override
  public Optional<Long> modifiedMillis(String key) throws IOException {
    return bucket.head(object(key)).map(h -> bucket.localMillis(h.modified()));
  }

  @Override
  public boolean exists(String key) throws IOException {
    return bucket.head(object(key)).isPresent() || !children(key).isEmpty();
  }
}
