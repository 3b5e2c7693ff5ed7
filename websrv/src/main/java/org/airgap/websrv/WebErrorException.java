package org.airgap.websrv;

/** Thrown inside the request path to answer with an error; rendered in one place. */
final class WebErrorException extends RuntimeException {
  private final WebError error;

  WebErrorException(WebError error, String detail) {
    super(detail, null, false, false);
    this.error = error;
  }

  WebError error() {
    return error;
  }
}
