package org.airgap.websrv.download;

import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;

/** Hears how a download goes; every method has a no-op default. Called on the caller's thread. */
public interface DownloadListener {
  DownloadListener NONE = new DownloadListener() {};

  /** A response started arriving; {@code offset} bytes were already there (resumed when > 0). */
  default void started(URI source, long offset, OptionalLong total) {}

  /** {@code done} bytes of {@code total} are on disk (called at most about 4 times a second). */
  default void progress(long done, OptionalLong total) {}

  /** Attempt {@code attempt} failed for {@code reason}; the next starts after {@code wait}. */
  default void retrying(int attempt, Duration wait, String reason) {}

  /** Verified and in place. */
  default void finished(DownloadResult result) {}
}
