package org.airgap.websrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.airgap.websrv.http.RangeHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow and fast clients, disconnects, files added while running, the access log, TLS. */
class WebServerClientsTest {
  static final long BIG = 64L << 20;
  @TempDir static Path root;
  @TempDir static Path pki;
  static WebServer server;
  static Path big;
  static SSLContext tls;
  static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    big = root.resolve("big.iso");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(BIG);
      f.seek(BIG - 4);
      f.write("tail".getBytes(StandardCharsets.US_ASCII));
    }
    tls = selfSigned(pki);
    server =
        new WebServer(
            new WebServerConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                root,
                true,
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Optional.of(tls),
                List.of(),
                RangeHeader.DEFAULT_MAX_RANGES,
                Duration.ofSeconds(60)));
    server.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpAddresses().get(0).getPort() + path);
  }

  /** Sends a GET for the big file from a socket with a tiny receive window and reads nothing. */
  static Socket stalledClient() throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(server.httpAddresses().get(0), 5000);
    s.getOutputStream()
        .write("GET /big.iso HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  static long openHandlesOf(Path file) throws Exception {
    Path real = file.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).equals(real);
                } catch (Exception e) {
                  return false; // the fd closed while we looked
                }
              })
          .count();
    }
  }

  static void await(String what, java.util.function.BooleanSupplier cond) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void slowClientsDoNotStarveAFastOne() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        slow.add(stalledClient());
      }
      await(
          "20 slow responses are in flight", () -> server.counters().get("open_connections") >= 20);
      long t0 = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        HttpResponse<InputStream> r =
            CLIENT.send(
                HttpRequest.newBuilder(uri("/big.iso")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long n;
        try (InputStream in = r.body()) {
          n = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(n).isEqualTo(BIG);
      }
      Duration fast = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(fast).isLessThan(Duration.ofSeconds(15));
      for (Socket s : slow) {
        assertThat(s.isClosed()).isFalse();
        s.getOutputStream().write(new byte[0]); // still connected, still waiting on its response
      }
      assertThat(openHandlesOf(big)).isGreaterThanOrEqualTo(20);
    } finally {
      for (Socket s : slow) {
        s.setSoLinger(true, 0);
        s.close();
      }
    }
    await("the slow clients' file handles are released", () -> uncheckedHandles() == 0);
  }

  static long uncheckedHandles() {
    try {
      return openHandlesOf(big);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aClientThatDisconnectsMidFileReleasesTheFile() throws Exception {
    await("no earlier response holds the file", () -> uncheckedHandles() == 0);
    long abortedBefore = server.counters().get("aborted_responses");
    Socket s = stalledClient();
    byte[] some = new byte[1024];
    assertThat(s.getInputStream().readNBytes(some, 0, some.length)).isEqualTo(1024);
    await("the response holds the file open", () -> uncheckedHandles() == 1);
    s.setSoLinger(true, 0);
    s.close();
    await("the handle is released", () -> uncheckedHandles() == 0);
    await(
        "the response counts as aborted",
        () -> server.counters().get("aborted_responses") > abortedBefore);
  }

  @Test
  void aFileAddedWhileRunningIsServed() throws Exception {
    assertThat(
            CLIENT
                .send(
                    HttpRequest.newBuilder(uri("/new.json")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(404);
    Files.writeString(root.resolve("new.json"), "{\"new\":true}");
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(uri("/new.json")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"new\":true}");
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
  }

  @Test
  void writesOneAccessLogLinePerRequest() throws Exception {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CLIENT.send(
          HttpRequest.newBuilder(uri("/big.iso")).header("Range", "bytes=0-99").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      CLIENT.send(
          HttpRequest.newBuilder(uri("/nothing-here")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      await(
          "two access lines are written",
          () ->
              captured
                      .toString(StandardCharsets.UTF_8)
                      .lines()
                      .filter(l -> l.contains("org.airgap.websrv.access"))
                      .count()
                  >= 2);
    } finally {
      System.setErr(saved);
    }
    List<String> lines =
        captured
            .toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains("org.airgap.websrv.access"))
            .toList();
    assertThat(lines.get(0))
        .matches(".*127\\.0\\.0\\.1:\\d+ \"GET /big\\.iso HTTP/1\\.1\" 206 100 [\\d.]+ms$");
    assertThat(lines.get(1)).matches(".*\"GET /nothing-here HTTP/1\\.1\" 404 0 [\\d.]+ms$");
  }

  @Test
  void servesRangesOverTheTlsListener() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(tls).build();
    URI u =
        URI.create("https://127.0.0.1:" + server.httpsAddresses().get(0).getPort() + "/big.iso");
    HttpResponse<byte[]> r =
        https.send(
            HttpRequest.newBuilder(u).header("Range", "bytes=-4").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("tail");
    byte[] medium = new byte[3 << 20];
    new java.util.Random(3).nextBytes(medium);
    Files.write(root.resolve("medium.img"), medium);
    HttpResponse<byte[]> full =
        https.send(
            HttpRequest.newBuilder(u.resolve("/medium.img")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(full.body()).isEqualTo(medium);
  }

  /** A self-signed certificate for 127.0.0.1 made by the JDK's keytool; one context both ways. */
  static SSLContext selfSigned(Path dir) throws Exception {
    Path ks = dir.resolve("server.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "websrv",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                ks.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void accessLogWritesIpv6ClientsCompressed() throws Exception {
    assertThat(
            StaticFileHandler.client(
                new java.net.InetSocketAddress(
                    java.net.InetAddress.getByName("2620:52:0:1306:0:0:0:5"), 40100)))
        .isEqualTo("[2620:52:0:1306::5]:40100");
    assertThat(
            StaticFileHandler.client(
                new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 9)))
        .isEqualTo("[::1]:9");
    assertThat(
            StaticFileHandler.client(
                new java.net.InetSocketAddress(java.net.InetAddress.getByName("10.0.0.7"), 80)))
        .isEqualTo("10.0.0.7:80");
  }
}
