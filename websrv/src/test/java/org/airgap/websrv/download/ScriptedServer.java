package org.airgap.websrv.download;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real HTTP server on loopback port 0 whose answers a test scripts: the whole file, a range, a
 * status, or a response cut off after some bytes (the connection drops mid-body).
 */
final class ScriptedServer implements AutoCloseable {
  /** What to do with the next request for a path. */
  sealed interface Step {}

  /** Honour Range/If-Range like a normal server, against {@code etag}. */
  record Serve(String etag) implements Step {}

  /** Send the headers of a full 200 but only {@code bytes} of the body, then drop. */
  record CutAfter(long bytes, String etag) implements Step {}

  /** Answer with just a status. */
  record Status(int code) implements Step {}

  /** Serve like {@link Serve} only with this exact {@code Authorization}; else 401 Basic. */
  record Authenticated(String authorization, String etag) implements Step {}

  /** Answer 302 to {@code location}. */
  record Redirect(URI location) implements Step {}

  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
  final List<Headers> requests = Collections.synchronizedList(new ArrayList<>());

  ScriptedServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  void put(String path, byte[] body, Step... steps) {
    files.put(path, body);
    scripts.put(path, Collections.synchronizedList(new ArrayList<>(List.of(steps))));
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    requests.add(ex.getRequestHeaders());
    byte[] body = files.get(path);
    List<Step> script = scripts.get(path);
    if (body == null || script == null) {
      ex.sendResponseHeaders(404, -1);
      ex.close();
      return;
    }
    Step step = script.size() > 1 ? script.remove(0) : script.get(0);
    if (step instanceof Status s) {
      ex.sendResponseHeaders(s.code(), -1);
      ex.close();
    } else if (step instanceof CutAfter c) {
      ex.getResponseHeaders().set("ETag", c.etag());
      ex.sendResponseHeaders(200, body.length);
      OutputStream out = ex.getResponseBody();
      out.write(body, 0, (int) c.bytes());
      out.flush();
      try {
        out.close(); // fewer bytes than announced: the server drops the connection
      } catch (IOException expected) {
        // "insufficient bytes written to stream"
      }
      ex.close();
    } else if (step instanceof Serve s) {
      serve(ex, body, s.etag());
    } else if (step instanceof Authenticated a) {
      if (a.authorization().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        serve(ex, body, a.etag());
      } else {
        ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"images\"");
        ex.sendResponseHeaders(401, -1);
        ex.close();
      }
    } else if (step instanceof Redirect r) {
      ex.getResponseHeaders().set("Location", r.location().toString());
      ex.sendResponseHeaders(302, -1);
      ex.close();
    }
  }

  private static void serve(HttpExchange ex, byte[] body, String etag) throws IOException {
    ex.getResponseHeaders().set("ETag", etag);
    String range = ex.getRequestHeaders().getFirst("Range");
    String ifRange = ex.getRequestHeaders().getFirst("If-Range");
    if (range != null && (ifRange == null || ifRange.equals(etag))) {
      long from = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
      ex.getResponseHeaders()
          .set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
      ex.sendResponseHeaders(206, body.length - from);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body, (int) from, (int) (body.length - from));
      }
      return;
    }
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
