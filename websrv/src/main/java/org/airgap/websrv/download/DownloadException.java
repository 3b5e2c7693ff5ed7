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
  private final int status;

  public DownloadException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, 0);
  }

  /** With the HTTP status the server answered ({@link Kind#HTTP_STATUS}). */
  public DownloadException(Kind kind, String message, Throwable cause, int status) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
  }

  public Kind kind() {
    return kind;
  }

  /** The final HTTP status the server answered, when that is why it failed. */
  public java.util.OptionalInt status() {
    return status == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(status);
  }
}
