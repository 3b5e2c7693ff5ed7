package org.airgap.websrv.download;

/** A download that did not end verified and in place; {@link #kind()} says why. */
public final class DownloadException extends RuntimeException {
  /** Why a download failed. */
  public enum Kind {
    /** The bytes arrived but their digest is not the expected one: nothing was kept. */
    CHECKSUM_MISMATCH,
    /** The server answered with a status that retrying will not change (404, 403 …). */
    HTTP_STATUS,
    /** Every attempt failed on the network or with a retryable status. */
    GAVE_UP,
    /** Writing on this side failed. */
    LOCAL_IO
  }

  private final Kind kind;

  public DownloadException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
