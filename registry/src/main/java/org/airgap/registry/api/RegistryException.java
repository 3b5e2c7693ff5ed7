package org.airgap.registry.api;

import java.util.Map;
import java.util.Optional;

/**
 * A protocol error: its code (which carries the HTTP status), a message and an optional detail
 * (anything Jackson can write). Handlers throw it; the renderer writes it. Extra response headers
 * (such as {@code Range} on a 416 for an upload) ride along.
 */
public final class RegistryException extends RuntimeException {
  private final ErrorCode code;
  private final transient Object detail;
  private final transient Map<String, String> headers;
  private final int status;

  RegistryException(ErrorCode code, String message, Object detail) {
    this(code, message, detail, Map.of(), code.status());
  }

  private RegistryException(
      ErrorCode code, String message, Object detail, Map<String, String> headers, int status) {
    super(code + ": " + message, null, false, false);
    this.code = code;
    this.detail = detail;
    this.headers = Map.copyOf(headers);
    this.status = status;
  }

  /**
   * The HTTP status: the code's, unless {@link #withStatus} chose a more precise one (507
   * Insufficient Storage for a full disk, sent with the code {@code UNAVAILABLE}).
   */
  public int status() {
    return status;
  }

  /** A copy sent with {@code httpStatus} instead of the code's status. */
  public RegistryException withStatus(int httpStatus) {
    return new RegistryException(code, text(), detail, headers, httpStatus);
  }

  public ErrorCode code() {
    return code;
  }

  /** The message without the code prefix. */
  public String text() {
    String m = getMessage();
    return m.substring(m.indexOf(": ") + 2);
  }

  public Optional<Object> detail() {
    return Optional.ofNullable(detail);
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** A copy that also sends {@code headers} with the error response. */
  public RegistryException withHeaders(Map<String, String> more) {
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.putAll(more);
    return new RegistryException(code, text(), detail, all, status);
  }
}
