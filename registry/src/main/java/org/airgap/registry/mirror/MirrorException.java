package org.airgap.registry.mirror;

/**
 * A mirroring failure with a kind that says what went wrong, and a message that is one clear line
 * for the operator (it names the registry, image, blob or chunk).
 */
public final class MirrorException extends RuntimeException {
  /** What failed. */
  public enum Kind {
    /** 401/403: missing or wrong credentials. */
    AUTH,
    /** 404: unknown repository, tag, manifest or blob. */
    NOT_FOUND,
    /** The registry could not be reached (DNS, refused, TLS), or gave up after retries. */
    UNREACHABLE,
    /** Bytes that do not match their digest, a bad chunk, a bad archive. */
    CORRUPT,
    /** An answer the client did not expect. */
    PROTOCOL,
    /** The local disk. */
    LOCAL_IO,
    /** A bad argument. */
    USAGE
  }

  private final Kind kind;

  public MirrorException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public MirrorException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
