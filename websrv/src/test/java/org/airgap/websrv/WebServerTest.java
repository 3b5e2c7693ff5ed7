package org.airgap.websrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebServerTest {
  @TempDir Path root;
  WebServer server;
  HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  byte[] iso;

  @BeforeEach
  void start() throws IOException {
    Files.createDirectories(root.resolve("images"));
    iso = new byte[300_000];
    new Random(1).nextBytes(iso);
    Files.write(root.resolve("images/rhcos-live.x86_64.iso"), iso);
    server =
        new WebServer(
            new WebServerConfig(
                List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new InetSocketAddress(InetAddress.getByName("::1"), 0)),
                root,
                true));
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.addresses().get(0).getPort() + path);
  }

  HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesAWholeFileWithValidators() throws Exception {
    HttpResponse<byte[]> r = get("/images/rhcos-live.x86_64.iso");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(iso);
    assertThat(r.headers().firstValue("content-length")).contains("300000");
    assertThat(r.headers().firstValue("content-type")).contains("application/x-iso9660-image");
    assertThat(r.headers().firstValue("accept-ranges")).contains("bytes");
    assertThat(r.headers().firstValue("etag"))
        .hasValueSatisfying(e -> assertThat(e).matches("\"[^\"]+\""));
    assertThat(r.headers().firstValue("last-modified")).isPresent();
    assertThat(server.counters())
        .containsEntry("requests", 1L)
        .containsEntry("bytes_sent", 300_000L);
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(uri("/images/rhcos-live.x86_64.iso"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("content-length")).contains("300000");
    assertThat(r.headers().firstValue("etag")).isPresent();
  }

  @Test
  void servesASingleRange() throws Exception {
    HttpResponse<byte[]> r = get("/images/rhcos-live.x86_64.iso", "Range", "bytes=100-199");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("content-range")).contains("bytes 100-199/300000");
    assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(iso, 100, 200));
  }

  @Test
  void servesOverIpv6() throws Exception {
    InetSocketAddress v6 = server.addresses().get(1);
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://[::1]:" + v6.getPort() + "/images/rhcos-live.x86_64.iso"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(iso);
  }

  @Test
  void missingFileIs404AndOtherMethodsAre405() throws Exception {
    assertThat(get("/images/nope.iso").statusCode()).isEqualTo(404);
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(uri("/images/rhcos-live.x86_64.iso"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("allow")).contains("GET, HEAD");
  }

  @Test
  void startFailsNamingTheAddressInUse() {
    int port = server.addresses().get(0).getPort();
    WebServer second =
        new WebServer(
            new WebServerConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
                root,
                true));
    assertThatThrownBy(second::start)
        .isInstanceOf(WebServerException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageContaining("in use");
    second.close();
    second.close();
  }

  @Test
  void listsADirectory() throws Exception {
    Files.writeString(root.resolve("images/a<b>.json"), "{}", StandardCharsets.UTF_8);
    HttpResponse<byte[]> r = get("/images/");
    assertThat(r.statusCode()).isEqualTo(200);
    String html = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(html).contains("rhcos-live.x86_64.iso").contains("a&lt;b&gt;.json");
    assertThat(get("/images").statusCode()).isEqualTo(301);
  }
}
