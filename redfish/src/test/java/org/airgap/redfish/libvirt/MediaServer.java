package org.airgap.redfish.libvirt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain HTTP file server on 127.0.0.1 port 0 serving one folder, standing in for an image server
 * other than airgap's own (the hub's image service): every GET streams the file; with credentials
 * set, a request without the right HTTP Basic {@code Authorization} gets 401 with a challenge.
 */
final class MediaServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final Path root;
  private final Optional<String> authorization;
  final List<String> seenAuthorization = new CopyOnWriteArrayList<>();

  MediaServer(Path root, Optional<String> user, Optional<String> password) throws IOException {
    this.root = root;
    this.authorization =
        user.map(
            u ->
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (u + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  URI url(String name) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String got = ex.getRequestHeaders().getFirst("Authorization");
      seenAuthorization.add(got == null ? "" : got);
      if (authorization.isPresent() && !authorization.get().equals(got)) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"images\"");
        ex.sendResponseHeaders(401, -1);
        return;
      }
      Path file = root.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      ex.sendResponseHeaders(200, Files.size(file));
      try (OutputStream out = ex.getResponseBody()) {
        Files.copy(file, out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
