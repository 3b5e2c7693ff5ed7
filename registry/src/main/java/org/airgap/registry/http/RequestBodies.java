package org.airgap.registry.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * What to do with the unread part of a request body when the response is decided early (an error
 * before or in the middle of an upload). HTTP/1.1 lets the next request on the connection start
 * only after this one's body, so the server must either read the rest or close the connection; if
 * it closes, it must say so ({@code Connection: close}), or a keep-alive client sends its next
 * request into a connection that is going away ("header parser received no bytes" in the JDK).
 *
 * <p>Closing a socket whose receive queue still holds unread bytes makes the kernel send RST at
 * once, and an RST can overtake the reply in the client's stack: the client sees "connection reset"
 * instead of the 401 or 400 it was sent. So a connection that ends after an early reply lingers:
 * the reply goes out first, then the rest of the body is read and dropped until the client has sent
 * it all or gives up, for at most {@link #LINGER_MILLIS} and {@link #LINGER_BYTES}; only then is
 * the connection closed, with nothing unread. (Undertow's own close drains too, but stops at the
 * first bytes it reads, which is too early.)
 */
final class RequestBodies {
  /** Bodies up to this size are read and dropped; larger ones end the connection. */
  static final long DRAIN_LIMIT = 256 * 1024;

  /** How long a closing connection keeps reading the body after its reply, at most. */
  static final long LINGER_MILLIS = 5_000;

  /** How much of the body a closing connection reads after its reply, at most. */
  static final long LINGER_BYTES = 64L * 1024 * 1024;

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
    if (declared > DRAIN_LIMIT || (expectsContinue(ex) && !ex.isBlocking())) {
      // too big to read for nothing; or the client waits for 100 before sending: don't invite it
      return close(ex);
    }
    try {
      return readAndDrop(ex, DRAIN_LIMIT) || close(ex);
    } catch (IOException | RuntimeException e) {
      return close(ex);
    }
  }

  /**
   * Whether an exchange that {@link #drainBeforeReply} ended should read the rest of its body after
   * the reply: on a worker thread (reading may block), with a body still coming — not one the
   * client holds back until a 100 Continue, which goes out only once reading has begun.
   */
  static boolean shouldLinger(HttpServerExchange ex) {
    if (ex.isPersistent() || ex.isRequestComplete() || ex.isInIoThread()) {
      return false;
    }
    if (!expectsContinue(ex)) {
      return true;
    }
    java.util.concurrent.atomic.LongAdder read = ex.getAttachment(RegistryHandler.BYTES_IN);
    return read != null && read.sum() > 0;
  }

  /**
   * After the reply is out: reads and drops the rest of the body, for at most {@link
   * #LINGER_MILLIS} and {@link #LINGER_BYTES}; at the deadline the connection is closed under the
   * blocked read. Never throws: the connection ends right after either way.
   */
  static void linger(HttpServerExchange ex) {
    XnioExecutor.Key deadline =
        ex.getIoThread()
            .executeAfter(
                () -> IoUtils.safeClose(ex.getConnection()), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    try {
      readAndDrop(ex, LINGER_BYTES);
    } catch (IOException | RuntimeException e) {
      // the client closed, or the deadline did: either way the connection is over
    } finally {
      deadline.remove();
    }
  }

  /** Reads and drops the body up to {@code limit} bytes; returns whether it ended within them. */
  private static boolean readAndDrop(HttpServerExchange ex, long limit) throws IOException {
    if (!ex.isBlocking()) {
      ex.startBlocking();
    }
    InputStream in = ex.getInputStream();
    byte[] buf = new byte[64 * 1024];
    long read = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      read += n;
      if (read > limit) {
        return false;
      }
    }
    return true;
  }

  private static boolean expectsContinue(HttpServerExchange ex) {
    String expect = ex.getRequestHeaders().getFirst(Headers.EXPECT);
    return expect != null && expect.equalsIgnoreCase("100-continue");
  }

  private static boolean close(HttpServerExchange ex) {
    ex.setPersistent(false);
    return false;
  }
}
