package org.airgap.registry.storage;

import java.io.IOException;

/**
 * The storage backend cannot be reached (an S3 endpoint that is down, refuses connections or times
 * out). The registry answers 503 with the OCI {@code UNAVAILABLE} code and reports itself not ready
 * until the backend answers again; nothing was changed by the failed operation beyond what a retry
 * overwrites.
 */
public final class StorageUnavailableException extends IOException {
  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
