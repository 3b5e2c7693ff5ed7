package org.airgap.registry.api;

/**
 * The error codes of the OCI Distribution Specification v1.1 (and the few that distribution adds
 * and clients know), spelled as they go on the wire, each with the HTTP status it is sent with.
 * Handlers throw {@link RegistryException}; {@link org.airgap.registry.http.ErrorRenderer} is the
 * one place that turns them into {@code {"errors":[{"code","message","detail"}]}}.
 */
public enum ErrorCode {
  BLOB_UNKNOWN(404, "blob unknown to registry"),
  BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
  BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
  DIGEST_INVALID(400, "provided digest did not match uploaded content"),
  MANIFEST_BLOB_UNKNOWN(404, "manifest references a manifest or blob unknown to registry"),
  MANIFEST_INVALID(400, "manifest invalid"),
  MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
  NAME_INVALID(400, "invalid repository name"),
  NAME_UNKNOWN(404, "repository name not known to registry"),
  SIZE_INVALID(400, "provided length did not match content length"),
  UNAUTHORIZED(401, "authentication required"),
  DENIED(403, "requested access to the resource is denied"),
  UNSUPPORTED(405, "the operation is unsupported"),
  TOOMANYREQUESTS(429, "too many requests"),
  // Codes distribution registers beside the spec's; clients print them as they are.
  TAG_INVALID(400, "manifest tag did not match URI"),
  PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
  RANGE_INVALID(416, "invalid content range"),
  MANIFEST_TOO_BIG(413, "manifest too big"),
  NOT_FOUND(404, "no such endpoint"),
  UNKNOWN(500, "unknown error"),
  UNAVAILABLE(503, "service unavailable");

  private final int status;
  private final String message;

  ErrorCode(int status, String message) {
    this.status = status;
    this.message = message;
  }

  /** The HTTP status this code is sent with. */
  public int status() {
    return status;
  }

  /** The default human-readable message. */
  public String message() {
    return message;
  }

  /** An exception carrying this code, the default message and {@code detail}. */
  public RegistryException with(Object detail) {
    return new RegistryException(this, message, detail);
  }

  /** An exception carrying this code and its default message. */
  public RegistryException exception() {
    return new RegistryException(this, message, null);
  }

  /** An exception carrying this code and a specific message. */
  public RegistryException withMessage(String specific) {
    return new RegistryException(this, specific, null);
  }
}
