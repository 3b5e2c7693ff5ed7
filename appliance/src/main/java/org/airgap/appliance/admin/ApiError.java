package org.airgap.appliance.admin;

/**
 * The admin API's errors: each code carries its HTTP status, and {@link AdminServer} renders every
 * one the same way, {@code {"error": {"code": "...", "message": "..."}}}. Handlers throw them.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The codes, as they appear in the {@code code} field. */
  enum Code {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    CONFLICT(409),
    UNSUPPORTED_MEDIA_TYPE(415),
    MISDIRECTED_REQUEST(421),
    UNAVAILABLE(503);

    final int status;

    Code(int status) {
      this.status = status;
    }
  }

  private final Code code;

  ApiError(Code code, String message) {
    super(message);
    this.code = code;
  }

  Code code() {
    return code;
  }
}
