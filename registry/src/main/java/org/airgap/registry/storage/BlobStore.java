package org.airgap.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.airgap.registry.api.Digest;

/**
 * Content-addressed blobs and the uploads that become them: the seam between the registry and where
 * bytes live. Small on purpose (compare distribution's {@code BlobStatter}, {@code BlobProvider},
 * {@code BlobIngester}); implemented by the filesystem store and the S3 store. Every implementation
 * passes {@code BlobStoreContract}.
 *
 * <p>A blob is either fully there, with bytes matching its digest, or absent: uploads are written
 * beside the blobs, verified and then moved into place in one step.
 */
public interface BlobStore {

  /** The size of a stored blob, if stored. */
  Optional<Long> size(Digest digest) throws IOException;

  /** Opens a stored blob for reading; the caller closes the reader. */
  Optional<BlobReader> open(Digest digest) throws IOException;

  /**
   * Stores {@code bytes} (already in memory, e.g. a manifest) under their digest with {@code
   * digest}'s algorithm; returns false, storing nothing, when they do not match. Idempotent.
   */
  boolean put(Digest digest, byte[] bytes) throws IOException;

  /** Starts a new upload. */
  BlobUpload newUpload() throws IOException;

  /** An upload in progress, by id. */
  Optional<BlobUpload> upload(String id) throws IOException;

  /** Removes a blob; returns whether it was there. (Used by garbage collection.) */
  boolean delete(Digest digest) throws IOException;

  /**
   * Marks a stored blob as in use now (its modification time), so that a garbage collection running
   * at the same time keeps it; returns false when the blob is not stored. Upload commits, manifest
   * stores and manifest PUTs (for every blob they reference) call it.
   */
  boolean touch(Digest digest) throws IOException;

  /** Every stored blob with its size and last touch, in no particular order. */
  void forEach(BlobVisitor visitor) throws IOException;

  /** A stored blob as {@link #forEach} sees it. */
  record BlobInfo(Digest digest, long size, long touchedMillis) {}

  /** Receives blobs from {@link #forEach}. */
  @FunctionalInterface
  interface BlobVisitor {
    void visit(BlobInfo blob) throws IOException;
  }

  /**
   * Garbage collection's delete: removes the blob only if nobody {@link #touch touched} it at or
   * after {@code cutoffMillis}, atomically with respect to a concurrent touch (a touch either fails
   * because the blob is gone, or is seen and the blob stays). Returns the bytes freed, 0 when it
   * kept the blob or the blob was not there.
   */
  long deleteIfUntouchedSince(Digest digest, long cutoffMillis) throws IOException;

  /**
   * Moves a blob whose bytes do not match its digest out of the way (fsck {@code --repair}), so it
   * is neither served nor counted as present; returns where it went, empty if absent.
   */
  Optional<String> quarantine(Digest digest) throws IOException;

  /**
   * Removes uploads nobody wrote to for {@code maxAgeMillis} and that no request is writing now;
   * returns their ids.
   */
  java.util.List<String> purgeUploads(long maxAgeMillis) throws IOException;

  /** A stored blob, open for reading. */
  interface BlobReader extends AutoCloseable {
    long size();

    /**
     * The blob as a {@link java.nio.channels.FileChannel} when it is a local file, so that it can
     * go out with sendfile; empty for remote stores. Owned by the reader.
     */
    Optional<java.nio.channels.FileChannel> fileChannel();

    /** Bytes {@code [offset, offset + length)} as a stream; the caller closes it. */
    InputStream stream(long offset, long length) throws IOException;

    @Override
    void close();
  }

  /**
   * An upload: an object with a lifecycle. Append, look at its size, then {@link #commit} (verify
   * and store) or {@link #cancel}. Cancel is a no-op after commit. Appends to one upload are
   * serialized.
   */
  interface BlobUpload {
    String id();

    /** Bytes received so far. */
    long size() throws IOException;

    /** When the upload started (epoch milliseconds). */
    long startedAtMillis() throws IOException;

    /**
     * Appends everything {@code in} yields until end of stream; returns the new size. If {@code
     * expectedStart} is not the current size, nothing is written and {@link OffsetMismatch} is
     * thrown ({@code -1}: append at whatever the size is).
     */
    long append(InputStream in, long expectedStart) throws IOException;

    /**
     * Computes the digest of the bytes with {@code expected}'s algorithm; if it matches, the bytes
     * become the blob (idempotent if it exists already) and the upload is gone. Returns the
     * computed digest either way; on a mismatch nothing is stored and the upload is removed.
     */
    Digest commit(Digest expected) throws IOException;

    /** Drops the upload and its bytes; a no-op if it is gone. */
    void cancel() throws IOException;
  }

  /** A chunk did not start where the upload ends. */
  final class OffsetMismatch extends IOException {
    private final long size;

    public OffsetMismatch(long size) {
      super("upload is at " + size);
      this.size = size;
    }

    /** The upload's size when the chunk came. */
    public long size() {
      return size;
    }
  }
}
