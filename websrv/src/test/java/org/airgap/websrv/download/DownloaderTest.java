package org.airgap.websrv.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.airgap.websrv.WebServer;
import org.airgap.websrv.WebServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {
  @TempDir Path dest;
  ScriptedServer server;
  Downloader downloader;
  byte[] image;
  Checksum sha256;

  @BeforeEach
  void setUp() throws Exception {
    server = new ScriptedServer();
    image = new byte[3_000_000];
    new Random(42).nextBytes(image);
    sha256 = Checksum.sha256(hex("SHA-256", image));
    downloader = new Downloader(fastRetries(3));
  }

  @AfterEach
  void tearDown() {
    downloader.close();
    server.close();
  }

  static DownloadOptions fastRetries(int attempts) {
    return DownloadOptions.defaults()
        .withAttempts(attempts, Duration.ofMillis(10), Duration.ofMillis(40))
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1));
  }

  static String hex(String alg, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(data));
  }

  List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dest)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Records what the downloader reports. */
  static final class Events implements DownloadListener {
    final List<String> log = new ArrayList<>();
    long lastDone;

    @Override
    public void started(URI source, long offset, java.util.OptionalLong total) {
      log.add("started at " + offset + " of " + total.orElse(-1));
    }

    @Override
    public void progress(long done, java.util.OptionalLong total) {
      lastDone = done;
    }

    @Override
    public void retrying(int attempt, Duration wait, String reason) {
      log.add("retry after attempt " + attempt);
    }

    @Override
    public void finished(DownloadResult result) {
      log.add("finished " + result.size());
    }
  }

  @Test
  void downloadsAndVerifies() throws Exception {
    server.put("/rhcos.iso", image, new ScriptedServer.Serve("\"v1\""));
    Events events = new Events();
    DownloadResult r =
        downloader.download(
            DownloadRequest.of(server.uri("/rhcos.iso"), dest.resolve("rhcos.iso"), sha256),
            events);
    assertThat(Files.readAllBytes(dest.resolve("rhcos.iso"))).isEqualTo(image);
    assertThat(r.sha256()).isEqualTo(sha256);
    assertThat(r.resumedFrom()).isZero();
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(events.log).containsExactly("started at 0 of 3000000", "finished 3000000");
    assertThat(events.lastDone).isEqualTo(3_000_000);
    assertThat(files()).containsExactly("rhcos.iso");
  }

  @Test
  void verifiesSha512() throws Exception {
    server.put("/rootfs.img", image, new ScriptedServer.Serve("\"v1\""));
    Checksum sha512 = Checksum.parse("sha512:" + hex("SHA-512", image));
    downloader.download(
        DownloadRequest.of(server.uri("/rootfs.img"), dest.resolve("rootfs.img"), sha512),
        DownloadListener.NONE);
    assertThat(Files.readAllBytes(dest.resolve("rootfs.img"))).isEqualTo(image);
  }

  @Test
  void aChecksumMismatchLeavesNothing() throws Exception {
    server.put("/rhcos.iso", image, new ScriptedServer.Serve("\"v1\""));
    Checksum wrong = Checksum.sha256("00".repeat(32));
    assertThatThrownBy(
            () ->
                downloader.download(
                    DownloadRequest.of(server.uri("/rhcos.iso"), dest.resolve("rhcos.iso"), wrong),
                    DownloadListener.NONE))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.CHECKSUM_MISMATCH))
        .hasMessageContaining("expected sha256:0000")
        .hasMessageContaining(sha256.hex());
    assertThat(files()).isEmpty();
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void anInterruptedDownloadResumesWithRangeAndIfRange() throws Exception {
    server.put(
        "/rhcos.iso",
        image,
        new ScriptedServer.CutAfter(1_234_567, "\"v1\""),
        new ScriptedServer.Serve("\"v1\""));
    Events events = new Events();
    DownloadResult r =
        downloader.download(
            DownloadRequest.of(server.uri("/rhcos.iso"), dest.resolve("rhcos.iso"), sha256),
            events);
    assertThat(Files.readAllBytes(dest.resolve("rhcos.iso"))).isEqualTo(image);
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.resumedFrom()).isEqualTo(1_234_567);
    assertThat(server.requests.get(1).getFirst("Range")).isEqualTo("bytes=1234567-");
    assertThat(server.requests.get(1).getFirst("If-Range")).isEqualTo("\"v1\"");
    assertThat(events.log)
        .containsExactly(
            "started at 0 of 3000000",
            "retry after attempt 1",
            "started at 1234567 of 3000000",
            "finished 3000000");
    assertThat(files()).containsExactly("rhcos.iso");
  }

  @Test
  void aLaterRunResumesWhatAnEarlierRunLeft() throws Exception {
    server.put(
        "/rhcos.iso",
        image,
        new ScriptedServer.CutAfter(2_000_000, "\"v1\""),
        new ScriptedServer.Serve("\"v1\""));
    DownloadRequest req =
        DownloadRequest.of(server.uri("/rhcos.iso"), dest.resolve("rhcos.iso"), sha256);
    try (Downloader once = new Downloader(fastRetries(1))) {
      assertThatThrownBy(() -> once.download(req, DownloadListener.NONE))
          .isInstanceOfSatisfying(
              DownloadException.class,
              e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.GAVE_UP));
    }
    assertThat(files()).containsExactly(".rhcos.iso.partial", ".rhcos.iso.partial.meta");
    assertThat(Files.size(req.partial())).isEqualTo(2_000_000);
    DownloadResult r = downloader.download(req, DownloadListener.NONE);
    assertThat(r.resumedFrom()).isEqualTo(2_000_000);
    assertThat(Files.readAllBytes(req.target())).isEqualTo(image);
    assertThat(files()).containsExactly("rhcos.iso");
  }

  @Test
  void aChangedFileOnTheServerRestartsFromZero() throws Exception {
    // the real web server answers If-Range with a stale tag by sending the whole file
    Path srv = Files.createDirectories(dest.resolve("srv"));
    Files.write(srv.resolve("rhcos.iso"), image);
    Path out = Files.createDirectories(dest.resolve("out"));
    try (WebServer web =
        new WebServer(
            new WebServerConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), srv, false))) {
      web.start();
      URI src = URI.create("http://127.0.0.1:" + web.addresses().get(0).getPort() + "/rhcos.iso");
      DownloadRequest req = DownloadRequest.of(src, out.resolve("rhcos.iso"), sha256);
      Files.write(req.partial(), new byte[1000]);
      Files.writeString(req.partialMeta(), "source=" + src + "\netag=\"stale\"\n");
      DownloadResult r = downloader.download(req, DownloadListener.NONE);
      assertThat(r.resumedFrom()).isZero();
      assertThat(Files.readAllBytes(req.target())).isEqualTo(image);
      assertThat(web.counters()).containsEntry("partial_responses", 0L);

      // and a matching tag resumes through the real server with a 206
      Files.delete(req.target());
      Files.write(req.partial(), java.util.Arrays.copyOf(image, 1_000_000));
      String etag =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(src)
                      .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding())
              .headers()
              .firstValue("etag")
              .orElseThrow();
      Files.writeString(req.partialMeta(), "source=" + src + "\netag=" + etag + "\n");
      DownloadResult resumed = downloader.download(req, DownloadListener.NONE);
      assertThat(resumed.resumedFrom()).isEqualTo(1_000_000);
      assertThat(Files.readAllBytes(req.target())).isEqualTo(image);
      assertThat(web.counters()).containsEntry("partial_responses", 1L);
    }
  }

  @Test
  void retriesServerErrorsAndFailsFastOnNotFound() throws Exception {
    server.put(
        "/rhcos.iso", image, new ScriptedServer.Status(503), new ScriptedServer.Serve("\"v1\""));
    DownloadResult r =
        downloader.download(
            DownloadRequest.of(server.uri("/rhcos.iso"), dest.resolve("rhcos.iso"), sha256),
            DownloadListener.NONE);
    assertThat(r.attempts()).isEqualTo(2);

    int before = server.requests.size();
    assertThatThrownBy(
            () ->
                downloader.download(
                    new DownloadRequest(
                        server.uri("/missing"), dest.resolve("m"), Optional.empty()),
                    DownloadListener.NONE))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.HTTP_STATUS))
        .hasMessageContaining("404");
    assertThat(server.requests.size() - before).isEqualTo(1);
  }

  @Test
  void sendsBasicCredentialsToTheSourceOnlyAndFailsFastWithoutThem() throws Exception {
    String authz =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString("ironic:s3:cr=t".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    server.put("/private.iso", image, new ScriptedServer.Authenticated(authz, "\"v1\""));
    DownloadRequest anonymous =
        DownloadRequest.of(server.uri("/private.iso"), dest.resolve("private.iso"), sha256);
    assertThatThrownBy(() -> downloader.download(anonymous, DownloadListener.NONE))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.HTTP_STATUS))
        .hasMessageContaining("401");

    int before = server.requests.size();
    DownloadRequest req = anonymous.withCredentials("ironic", "s3:cr=t");
    assertThat(req.toString()).doesNotContain("s3:cr=t");
    DownloadResult r = downloader.download(req, DownloadListener.NONE);
    assertThat(r.sha256()).isEqualTo(sha256);
    assertThat(server.requests.size() - before).as("sent at once, no 401 round trip").isEqualTo(1);

    // a redirect to another origin gets no credentials
    try (ScriptedServer other = new ScriptedServer()) {
      other.put("/elsewhere.iso", image, new ScriptedServer.Serve("\"v1\""));
      server.put("/moved.iso", image, new ScriptedServer.Redirect(other.uri("/elsewhere.iso")));
      downloader.download(
          DownloadRequest.of(server.uri("/moved.iso"), dest.resolve("moved.iso"), sha256)
              .withCredentials("ironic", "s3:cr=t"),
          DownloadListener.NONE);
      assertThat(server.requests.get(server.requests.size() - 1).getFirst("Authorization"))
          .isEqualTo(authz);
      assertThat(other.requests).hasSize(1);
      assertThat(other.requests.get(0).getFirst("Authorization")).isNull();
    }
  }

  @Test
  void givesUpAfterTheLastAttempt() throws Exception {
    server.put("/rhcos.iso", image, new ScriptedServer.Status(500));
    Events events = new Events();
    assertThatThrownBy(
            () ->
                downloader.download(
                    DownloadRequest.of(server.uri("/rhcos.iso"), dest.resolve("rhcos.iso"), sha256),
                    events))
        .hasMessageContaining("gave up after 3 attempts")
        .hasMessageContaining("HTTP 500");
    assertThat(events.log).containsExactly("retry after attempt 1", "retry after attempt 2");
  }

  @Test
  void checksumsParseAndValidate() {
    assertThat(Checksum.parse("SHA256:" + "AB".repeat(32)).hex()).isEqualTo("ab".repeat(32));
    assertThat(Checksum.parse("cd".repeat(64)).algorithm()).isEqualTo(Checksum.Algorithm.SHA512);
    assertThatThrownBy(() -> Checksum.sha256("xyz")).hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> Checksum.parse("md5:00")).hasMessageContaining("md5");
  }
}
