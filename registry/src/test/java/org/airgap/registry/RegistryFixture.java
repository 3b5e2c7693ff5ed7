package org.airgap.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.airgap.registry.auth.Htpasswd;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real registry on 127.0.0.1:0 over a temp folder, with one user ({@link #USER}/{@link
 * #PASSWORD}), and a JDK HttpClient that speaks to it.
 */
public final class RegistryFixture implements AutoCloseable {
  public static final String USER = "mirror";
  public static final String PASSWORD = "s3cret-pw";

  public final Path dir;
  public final Path storage;
  public final Path htpasswd;
  public final RegistryServer server;
  public final HttpClient http;
  public final String base;

  private RegistryFixture(
      Path dir, Optional<SSLContext> tls, Optional<SSLContext> clientTls, boolean anonymous)
      throws IOException {
    this.dir = dir;
    this.storage = dir.resolve("registry");
    this.htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, USER + ":" + cheapHash(PASSWORD) + "\n");
    this.server =
        new RegistryServer(
            new RegistryConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                tls,
                storage,
                anonymous),
            new Htpasswd(htpasswd));
    server.start();
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1);
    clientTls.ifPresent(b::sslContext);
    this.http = b.build();
    this.base =
        (tls.isPresent() ? "https" : "http")
            + "://127.0.0.1:"
            + server.addresses().get(0).getPort();
  }

  public static RegistryFixture plain(Path dir) throws IOException {
    return new RegistryFixture(dir, Optional.empty(), Optional.empty(), false);
  }

  public static RegistryFixture anonymousPull(Path dir) throws IOException {
    return new RegistryFixture(dir, Optional.empty(), Optional.empty(), true);
  }

  public static RegistryFixture tls(Path dir, SSLContext server, SSLContext client)
      throws IOException {
    return new RegistryFixture(dir, Optional.of(server), Optional.of(client), false);
  }

  /** A cost-4 bcrypt hash: real bcrypt, cheap enough for tests. */
  public static String cheapHash(String password) {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 4);
  }

  public static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public String hostPort() {
    return "127.0.0.1:" + server.addresses().get(0).getPort();
  }

  /** A request to {@code path} with the fixture's credentials. */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", basic(USER, PASSWORD));
  }

  public HttpResponse<byte[]> send(HttpRequest.Builder r) throws IOException, InterruptedException {
    return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<String> sendString(HttpRequest.Builder r)
      throws IOException, InterruptedException {
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
  }
}
