package org.airgap.websrv;

/** The errors the file server answers with, each with its HTTP status and reason phrase. */
public enum WebError {
  BAD_REQUEST(400, "Bad Request"),
  FORBIDDEN(403, "Forbidden"),
  NOT_FOUND(404, "Not Found"),
  METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
  PRECONDITION_FAILED(412, "Precondition Failed"),
  URI_TOO_LONG(414, "URI Too Long"),
  RANGE_NOT_SATISFIABLE(416, "Range Not Satisfiable"),
  HEADER_FIELDS_TOO_LARGE(431, "Request Header Fields Too Large"),
  INTERNAL_ERROR(500, "Internal Server Error");

  private final int status;
  private final String reason;

  WebError(int status, String reason) {
    this.status = status;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }
}
