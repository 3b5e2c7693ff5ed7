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
    this(dir, tls, clientTls, anonymous, Optional.empty(), RegistryConfig.Upkeep.defaults());
  }

  private RegistryFixture(
      Path dir,
      Optional<SSLContext> tls,
      Optional<SSLContext> clientTls,
      boolean anonymous,
      Optional<org.airgap.registry.storage.s3.S3Settings> s3,
      RegistryConfig.Upkeep upkeep)
      throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    this.storage = dir.resolve("registry");
    this.htpasswd = dir.resolve("htpasswd");
    writeUsers(htpasswd);
    this.server =
        new RegistryServer(
            new RegistryConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                tls,
                storage,
                anonymous,
                upkeep,
                s3),
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

  /** A registry (plain HTTP) whose storage is the S3 bucket of {@code s3}. */
  public static RegistryFixture s3(
      Path dir, org.airgap.registry.storage.s3.S3Settings s3, RegistryConfig.Upkeep upkeep)
      throws IOException {
    return new RegistryFixture(
        dir, Optional.empty(), Optional.empty(), false, Optional.of(s3), upkeep);
  }

  /** Waits until the registry's storage answers (its S3 endpoint probed). */
  public void awaitReady(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (server.storageProblem().isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not ready: " + server.storageProblem().get());
      }
      Thread.sleep(50);
    }
  }

  public static RegistryFixture anonymousPull(Path dir) throws IOException {
    return new RegistryFixture(dir, Optional.empty(), Optional.empty(), true);
  }

  public static RegistryFixture tls(Path dir, SSLContext server, SSLContext client)
      throws IOException {
    return new RegistryFixture(dir, Optional.of(server), Optional.of(client), false);
  }

  /** Writes an htpasswd file holding the fixture's one user ({@link #USER}, {@link #PASSWORD}). */
  public static Path writeUsers(Path htpasswd) throws IOException {
    Files.writeString(htpasswd, USER + ":" + cheapHash(PASSWORD) + "\n");
    return htpasswd;
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

  public static String sha256(byte[] bytes) {
    return org.airgap.registry.api.Digest.sha256(bytes).toString();
  }

  /** Pushes {@code bytes} as a blob of {@code repo} (monolithic POST); returns its digest. */
  public String pushBlob(String repo, byte[] bytes) throws IOException, InterruptedException {
    String d = sha256(bytes);
    HttpResponse<byte[]> r =
        send(
            request("/v2/" + repo + "/blobs/uploads/?digest=" + d)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("blob push: " + r.statusCode() + " " + new String(r.body()));
    }
    return d;
  }

  /** PUTs a manifest; returns the response. */
  public HttpResponse<byte[]> putManifest(String repo, String ref, String mediaType, byte[] body)
      throws IOException, InterruptedException {
    return send(
        request("/v2/" + repo + "/manifests/" + ref)
            .header("Content-Type", mediaType)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** An OCI image manifest JSON for a config and layers (digests of pushed blobs). */
  public static byte[] imageManifest(String configDigest, long configSize, String... layers) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",");
    sb.append(
            "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"")
        .append(configDigest)
        .append("\",\"size\":")
        .append(configSize)
        .append("},\"layers\":[");
    for (int i = 0; i < layers.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
          .append(layers[i])
          .append("\",\"size\":")
          .append(layers[i + 1])
          .append('}');
    }
    sb.append("]}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Pushes a config and one layer and an image manifest under {@code tag}; returns its digest. */
  public String pushImage(String repo, String tag, String seed) throws Exception {
    byte[] config = ("{\"seed\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("layer-" + seed).getBytes(StandardCharsets.UTF_8);
    String c = pushBlob(repo, config);
    String l = pushBlob(repo, layer);
    byte[] m = imageManifest(c, config.length, l, Integer.toString(layer.length));
    HttpResponse<byte[]> r =
        putManifest(repo, tag, "application/vnd.oci.image.manifest.v1+json", m);
    if (r.statusCode() != 201) {
      throw new IllegalStateException(
          "manifest push: " + r.statusCode() + " " + new String(r.body()));
    }
    return sha256(m);
  }

  @Override
  public void close() {
    server.close();
  }
}
