package org.airgap.websrv;

/** The web server could not start: the message names the address and the reason. */
public final class WebServerException extends RuntimeException {
  public WebServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
