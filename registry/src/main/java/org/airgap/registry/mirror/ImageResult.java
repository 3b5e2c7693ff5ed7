package org.airgap.registry.mirror;

import java.util.Optional;

/**
 * How one image went.
 *
 * @param source the source reference
 * @param target where it went (a registry reference or {@code file://DIR})
 * @param digest its digest, when it was resolved
 * @param blobsCopied blobs that moved
 * @param blobsPresent blobs the target already had (or mounted)
 * @param bytesCopied bytes that moved
 * @param error the one-line reason of a failure
 */
public record ImageResult(
    String source,
    String target,
    Optional<String> digest,
    int blobsCopied,
    int blobsPresent,
    long bytesCopied,
    Optional<String> error) {

  public boolean ok() {
    return error.isEmpty();
  }

  public static ImageResult failed(String source, String target, String error) {
    return new ImageResult(source, target, Optional.empty(), 0, 0, 0, Optional.of(error));
  }
}
