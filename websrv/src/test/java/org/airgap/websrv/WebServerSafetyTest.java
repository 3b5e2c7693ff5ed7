package org.airgap.websrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.airgap.websrv.http.RangeHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every attempt to reach outside the root fails and never returns the outside file's bytes. */
class WebServerSafetyTest {
  static final String SECRET = "TOP-SECRET-BYTES";
  @TempDir static Path base;
  static Path root;
  static Path outside;
  static WebServer server;
  static WebServer allowing;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createDirectories(base.resolve("srv"));
    outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET);
    Files.writeString(base.resolve("secret.txt"), SECRET);
    Files.createDirectories(root.resolve("images"));
    Files.writeString(root.resolve("images/ok.txt"), "inside");
    Files.writeString(root.resolve("images/.hidden"), SECRET);
    Files.createSymbolicLink(root.resolve("images/passwd-link"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("link-out"), outside);
    Files.createSymbolicLink(root.resolve("images/relative-up"), Path.of("../../secret.txt"));
    Files.createSymbolicLink(root.resolve("images/inside-link"), Path.of("ok.txt"));
    server = start(root, List.of(), true);
    allowing = start(root, List.of(outside), false);
  }

  static WebServer start(Path root, List<Path> allowed, boolean index) {
    WebServer s =
        new WebServer(
            new WebServerConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                root,
                index,
                List.of(),
                Optional.empty(),
                allowed,
                RangeHeader.DEFAULT_MAX_RANGES,
                Duration.ofSeconds(30)));
    s.start();
    return s;
  }

  @AfterAll
  static void stop() {
    server.close();
    allowing.close();
  }

  record Case(String target, int status) {}

  static Stream<Case> attempts() {
    return Stream.of(
        new Case("/../secret.txt", 400),
        new Case("/images/../../secret.txt", 400),
        new Case("/images/../ok.txt", 400),
        new Case("/./images/ok.txt", 400),
        new Case("/%2e%2e/secret.txt", 400),
        new Case("/%2E%2E/%2e%2E/secret.txt", 400),
        new Case("/..%2fsecret.txt", 400),
        new Case("/images/..%2f..%2fsecret.txt", 400),
        new Case("/images/%2e%2e%2f%2e%2e%2fsecret.txt", 400),
        new Case("//secret.txt", 400),
        new Case("/images//ok.txt", 400),
        new Case("/..\\secret.txt", 400),
        new Case("/images\\..\\..\\secret.txt", 400),
        new Case("/images/%5c..%5c..%5csecret.txt", 400),
        new Case("/secret.txt%00.iso", 400),
        new Case("/images/ok.txt%00", 400),
        new Case("/%c0%ae%c0%ae/secret.txt", 400),
        new Case("/%", 400),
        new Case("/%zz", 400),
        new Case("http://evil.example/../secret.txt", 400),
        new Case("*", 400),
        new Case("secret.txt", 400),
        new Case("/images/.hidden", 404),
        new Case("/images/%2ehidden", 404),
        new Case("/images/passwd-link", 403),
        new Case("/link-out/secret.txt", 403),
        new Case("/link-out/", 403),
        new Case("/images/relative-up", 403),
        new Case("/images/ok.txt/", 404),
        new Case("/images/missing", 404));
  }

  @ParameterizedTest
  @MethodSource("attempts")
  void refuses(Case c) throws Exception {
    RawHttp.Response r = RawHttp.send(server.addresses().get(0), c.target());
    assertThat(r.status()).as(c.target()).isEqualTo(c.status());
    assertThat(r.bodyText()).doesNotContain(SECRET);
  }

  @Test
  void servesWhatIsInside() throws Exception {
    assertThat(RawHttp.send(server.addresses().get(0), "/images/ok.txt").bodyText())
        .isEqualTo("inside");
    assertThat(RawHttp.send(server.addresses().get(0), "/images/inside-link").bodyText())
        .isEqualTo("inside");
    assertThat(RawHttp.send(server.addresses().get(0), "/images/ok.txt?x=1").status())
        .isEqualTo(200);
    assertThat(RawHttp.send(server.addresses().get(0), "/images/%6fk.txt").status()).isEqualTo(200);
  }

  @Test
  void followsSymlinksIntoAllowedFolders() throws Exception {
    RawHttp.Response r = RawHttp.send(allowing.addresses().get(0), "/link-out/secret.txt");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo(SECRET);
    assertThat(RawHttp.send(allowing.addresses().get(0), "/images/relative-up").status())
        .isEqualTo(403);
  }

  @Test
  void directoryIndexCanBeTurnedOff() throws Exception {
    assertThat(RawHttp.send(allowing.addresses().get(0), "/images/").status()).isEqualTo(404);
    RawHttp.Response listing = RawHttp.send(server.addresses().get(0), "/images/");
    assertThat(listing.status()).isEqualTo(200);
    assertThat(listing.bodyText()).contains("ok.txt").doesNotContain(".hidden");
  }

  @Test
  void malformedRequestsGetAnHttpErrorAndTheServerStaysUp() throws Exception {
    InetSocketAddress a = server.addresses().get(0);
    RawHttp.Response longHeader =
        RawHttp.sendRaw(
            a,
            ("GET /images/ok.txt HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(longHeader.status()).isEqualTo(431);
    RawHttp.Response longLine = RawHttp.send(a, "/" + "a".repeat(10_000));
    assertThat(longLine.status()).isEqualTo(414);
    RawHttp.Response garbage =
        RawHttp.sendRaw(
            a,
            "\u0001\u0002 nonsense\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(RawHttp.send(a, "/images/ok.txt").status()).isEqualTo(200);
  }
}
