package org.airgap.registry.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;

/**
 * What to do with the unread part of a request body when the response is decided early (an error
 * before or in the middle of an upload). HTTP/1.1 lets the next request on the connection start
 * only after this one's body, so the server must either read the rest or close the connection; if
 * it closes, it must say so ({@code Connection: close}), or a keep-alive client sends its next
 * request into a connection that is going away ("header parser received no bytes" in the JDK).
 */
final class RequestBodies {
  /** Bodies up to this size are read and dropped; larger ones end the connection. */
  static final long DRAIN_LIMIT = 256 * 1024;

  private RequestBodies() {}

  /**
   * Reads and drops what is left of the request body if it is small; returns whether the connection
   * can stay open. When it cannot, the exchange is marked non-persistent.
   */
  static boolean drainBeforeReply(HttpServerExchange ex) {
    if (!ex.isPersistent()) {
      return false;
    }
    if (ex.isRequestComplete()) {
      return true;
    }
    if (ex.isInIoThread()) {
      return close(ex); // reading would block the IO thread
    }
    long declared = ex.getRequestContentLength();
    String expect = ex.getRequestHeaders().getFirst(Headers.EXPECT);
    boolean unsentContinue = expect != null && expect.equalsIgnoreCase("100-continue");
    if (declared > DRAIN_LIMIT || (unsentContinue && !ex.isBlocking())) {
      // too big to read for nothing; or the client waits for 100 before sending: don't invite it
      return close(ex);
    }
    try {
      if (!ex.isBlocking()) {
        ex.startBlocking();
      }
      InputStream in = ex.getInputStream();
      byte[] buf = new byte[16 * 1024];
      long read = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        read += n;
        if (read > DRAIN_LIMIT) {
          return close(ex);
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return close(ex);
    }
  }

  private static boolean close(HttpServerExchange ex) {
    ex.setPersistent(false);
    return false;
  }
}
