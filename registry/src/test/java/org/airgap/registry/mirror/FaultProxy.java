package org.airgap.registry.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A plain TCP proxy on loopback in front of a registry that injects faults per connection, by the
 * connection's number: pass it through, answer its first request with 503 and close, or cut it
 * (both ways, abruptly) after a number of bytes from upstream, which lands mid-body on a blob. It
 * counts connections, faults and the bytes it relays downstream, and can close itself (every
 * connection with it) once a number of bytes went down: an interrupted copy.
 */
final class FaultProxy implements AutoCloseable {
  enum Fault {
    PASS,
    UNAVAILABLE,
    CUT
  }

  private static final byte[] UNAVAILABLE_REPLY =
      ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
              + "Content-Length: 56\r\nConnection: close\r\n\r\n"
              + "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected\"}]}")
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final IntFunction<Fault> plan;
  private final long cutAfter;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicLong down = new AtomicLong();
  private volatile long closeAfterDown = Long.MAX_VALUE;
  private volatile boolean closed;

  /** {@code cutAfter}: bytes from upstream after which a {@link Fault#CUT} connection drops. */
  FaultProxy(String upstreamHostPort, IntFunction<Fault> plan, long cutAfter) throws IOException {
    int colon = upstreamHostPort.lastIndexOf(':');
    this.upstream =
        new InetSocketAddress(
            upstreamHostPort.substring(0, colon),
            Integer.parseInt(upstreamHostPort.substring(colon + 1)));
    this.plan = plan;
    this.cutAfter = cutAfter;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  /** A proxy that injects nothing (it still counts, and can close itself). */
  static FaultProxy passing(String upstreamHostPort) throws IOException {
    return new FaultProxy(upstreamHostPort, i -> Fault.PASS, Long.MAX_VALUE);
  }

  String hostPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  int unavailable() {
    return unavailable.get();
  }

  int cuts() {
    return cuts.get();
  }

  /** Bytes relayed from upstream to clients. */
  long bytesDown() {
    return down.get();
  }

  /** Closes the proxy and every connection once {@code bytes} went down. */
  void closeAfterDown(long bytes) {
    closeAfterDown = bytes;
  }

  boolean isClosed() {
    return closed;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket c = server.accept();
        open.add(c);
        Fault f = plan.apply(connections.getAndIncrement());
        pool.execute(() -> handle(c, f));
      } catch (IOException | RuntimeException e) {
        return; // closed
      }
    }
  }

  private void handle(Socket client, Fault fault) {
    Socket up = null;
    try {
      if (fault == Fault.UNAVAILABLE) {
        client.setSoTimeout(5000);
        client.getInputStream().read(new byte[65536]);
        unavailable.incrementAndGet();
        client.getOutputStream().write(UNAVAILABLE_REPLY);
        client.getOutputStream().flush();
        return;
      }
      up = new Socket();
      up.connect(upstream, 5000);
      open.add(up);
      Socket u = up;
      pool.execute(() -> pump(client, u, false, Long.MAX_VALUE));
      pump(u, client, true, fault == Fault.CUT ? cutAfter : Long.MAX_VALUE);
    } catch (IOException | RuntimeException e) {
      // a peer went away
    } finally {
      drop(client);
      if (up != null) {
        drop(up);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean downstream, long limit) {
    byte[] buf = new byte[16384];
    long n = 0;
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int r;
      while ((r = in.read(buf, 0, (int) Math.min(buf.length, limit - n))) > 0) {
        out.write(buf, 0, r);
        n += r;
        if (downstream && down.addAndGet(r) >= closeAfterDown) {
          close();
          return;
        }
        if (n >= limit) {
          cuts.incrementAndGet();
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // a peer went away or we cut it
    } finally {
      drop(from);
      drop(to);
    }
  }

  private void drop(Socket s) {
    try {
      s.setSoLinger(true, 0); // RST: an abrupt drop, not a polite end
    } catch (IOException ignored) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
    open.remove(s);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      drop(s);
    }
    pool.shutdownNow();
  }
}
