package org.airgap.registry.storage.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A byte-level HTTP proxy in front of s3proxy that enforces what s3proxy ignores: {@code
 * If-None-Match: *} and {@code If-Match} on PUT and DELETE (412 when false), from the ETags it saw
 * in PUT responses. Bytes pass unchanged (SigV4 signatures stay valid: the Host header is kept);
 * one request per connection ({@code Connection: close} is added).
 */
final class ConditionalProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final Map<String, String> etags = new ConcurrentHashMap<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private volatile boolean closed;

  ConditionalProxy(int targetPort) throws IOException {
    this.target = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.submit(this::accept);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private Void accept() {
    while (!closed) {
      try {
        Socket c = server.accept();
        pool.submit(() -> serve(c));
      } catch (IOException e) {
        if (closed) {
          break;
        }
      }
    }
    return null;
  }

  /** Reads a request or response head (through the blank line). */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("eof in head");
      }
      b.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
              ? state + 1
              : (c == '\r' ? 1 : 0);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static Map<String, String> headers(String head) {
    Map<String, String> h = new LinkedHashMap<>();
    String[] lines = head.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        h.put(
            lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).strip());
      }
    }
    return h;
  }

  private Void serve(Socket c) {
    try (c;
        Socket s = new Socket(InetAddress.getLoopbackAddress(), target)) {
      InputStream cin = c.getInputStream();
      OutputStream cout = c.getOutputStream();
      String req = head(cin);
      String[] first = req.substring(0, req.indexOf("\r\n")).split(" ");
      String method = first[0];
      String path = URI.create(first[1]).getPath();
      Map<String, String> h = headers(req);
      boolean write = method.equals("PUT") || method.equals("DELETE");
      String query = URI.create(first[1]).getRawQuery();
      boolean multipart = query != null && query.contains("upload"); // parts: not conditional
      if (write && !multipart) {
        String have = etags.get(path);
        String ifNone = h.get("if-none-match");
        String ifMatch = h.get("if-match");
        boolean fail =
            ("*".equals(ifNone) && have != null) || (ifMatch != null && !ifMatch.equals(have));
        if (fail) {
          drain(cin, h);
          byte[] body =
              "<Error><Code>PreconditionFailed</Code><Message>At least one of the preconditions you specified did not hold</Message></Error>"
                  .getBytes(StandardCharsets.ISO_8859_1);
          cout.write(
              ("HTTP/1.1 412 Precondition Failed\r\nContent-Type: application/xml\r\n"
                      + "Connection: close\r\nContent-Length: "
                      + body.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          cout.write(body);
          cout.flush();
          return null;
        }
      }
      OutputStream sout = s.getOutputStream();
      String forwarded = req.substring(0, req.length() - 2) + "Connection: close\r\n\r\n";
      forwarded = forwarded.replaceFirst("(?im)^connection: keep-alive\r\n", "");
      sout.write(forwarded.getBytes(StandardCharsets.ISO_8859_1));
      sout.flush();
      pool.submit(() -> pipe(cin, sout));
      InputStream sin = s.getInputStream();
      String resp;
      while (true) {
        resp = head(sin);
        cout.write(resp.getBytes(StandardCharsets.ISO_8859_1));
        if (!resp.startsWith("HTTP/1.1 100")) {
          break;
        }
        cout.flush();
      }
      int status = Integer.parseInt(resp.split(" ")[1]);
      if (status / 100 == 2 && write && !multipart) {
        if (method.equals("PUT")) {
          String etag = headers(resp).get("etag");
          if (etag != null) {
            etags.put(path, etag);
          }
        } else {
          etags.remove(path);
        }
      }
      sin.transferTo(cout);
      cout.flush();
    } catch (IOException e) {
      // a client or the server went away: nothing to do
    }
    return null;
  }

  private static void drain(InputStream in, Map<String, String> h) throws IOException {
    String len = h.get("content-length");
    if (len != null && !"100-continue".equalsIgnoreCase(h.getOrDefault("expect", ""))) {
      in.readNBytes(Integer.parseInt(len));
    }
  }

  private static Void pipe(InputStream in, OutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // closed
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    pool.shutdownNow();
  }
}
