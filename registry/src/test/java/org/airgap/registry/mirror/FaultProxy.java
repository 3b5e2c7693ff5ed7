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

/**
 * A plain TCP proxy on loopback in front of a registry that injects faults: every k-th new HTTP
 * connection (up to a budget) gets its first request answered with 503 and is closed; and whichever
 * connection carries the byte at each of the given downstream offsets (counted over all
 * connections) is cut there, abruptly, both ways: with most bytes being blob bytes, that lands
 * mid-body. Faults keyed on bytes, not on connection numbers, happen however the client pools its
 * connections. It counts connections, faults and the bytes it relays downstream, and can close
 * itself (every connection with it) once a number of bytes went down: an interrupted copy.
 */
final class FaultProxy implements AutoCloseable {
  private static final byte[] UNAVAILABLE_REPLY =
      ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
              + "Content-Length: 56\r\nConnection: close\r\n\r\n"
              + "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected\"}]}")
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final int unavailableEvery;
  private final int unavailableBudget;
  private final long[] cutAt;
  private final Object downLock = new Object();
  private int nextCut;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger httpConnections = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicLong down = new AtomicLong();
  private volatile long closeAfterDown = Long.MAX_VALUE;
  private volatile boolean closed;

  /**
   * Every {@code unavailableEvery}-th HTTP connection (the first, then every k-th; 0: none) gets a
   * 503, at most {@code unavailableBudget} times; the connections carrying downstream byte offsets
   * {@code cutAt} (ascending) are cut there.
   */
  FaultProxy(String upstreamHostPort, int unavailableEvery, int unavailableBudget, long... cutAt)
      throws IOException {
    int colon = upstreamHostPort.lastIndexOf(':');
    this.upstream =
        new InetSocketAddress(
            upstreamHostPort.substring(0, colon),
            Integer.parseInt(upstreamHostPort.substring(colon + 1)));
    this.unavailableEvery = unavailableEvery;
    this.unavailableBudget = unavailableBudget;
    this.cutAt = cutAt.clone();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  /** A proxy that injects nothing (it still counts, and can close itself). */
  static FaultProxy passing(String upstreamHostPort) throws IOException {
    return new FaultProxy(upstreamHostPort, 0, 0);
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
        connections.incrementAndGet();
        pool.execute(() -> handle(c));
      } catch (IOException | RuntimeException e) {
        return; // closed
      }
    }
  }

  private void handle(Socket client) {
    Socket up = null;
    try {
      client.setSoTimeout(20_000);
      byte[] first = new byte[65536];
      int n = client.getInputStream().read(first);
      if (n <= 0) {
        return;
      }
      boolean tls = first[0] == 0x16; // a TLS handshake: the client probing for https
      if (!tls && unavailableEvery > 0) {
        int i = httpConnections.getAndIncrement();
        if (i % unavailableEvery == 0 && unavailable.getAndIncrement() < unavailableBudget) {
          client.getOutputStream().write(UNAVAILABLE_REPLY);
          client.getOutputStream().flush();
          return;
        }
      }
      up = new Socket();
      up.connect(upstream, 5000);
      open.add(up);
      up.getOutputStream().write(first, 0, n);
      Socket u = up;
      pool.execute(() -> pump(client, u, false));
      pump(u, client, true);
    } catch (IOException | RuntimeException e) {
      // a peer went away
    } finally {
      drop(client);
      if (up != null) {
        drop(up);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean downstream) {
    byte[] buf = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int r;
      while ((r = in.read(buf)) > 0) {
        if (!downstream) {
          out.write(buf, 0, r);
          continue;
        }
        int allowed = r;
        boolean cut = false;
        boolean stop = false;
        synchronized (downLock) {
          long at = down.get();
          if (nextCut < cutAt.length && at + r > cutAt[nextCut]) {
            allowed = (int) Math.max(0, cutAt[nextCut] - at);
            nextCut++;
            cut = true;
          }
          stop = down.addAndGet(allowed) >= closeAfterDown;
        }
        out.write(buf, 0, allowed);
        if (cut) {
          cuts.incrementAndGet();
          return;
        }
        if (stop) {
          close();
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
