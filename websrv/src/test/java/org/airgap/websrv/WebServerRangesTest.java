package org.airgap.websrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranges, conditionals and big offsets through the real server and the JDK client. */
class WebServerRangesTest {
  static final long GIB = 1L << 30;
  @TempDir static Path root;
  static WebServer server;
  static byte[] data;
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    data = new byte[100_000];
    new Random(7).nextBytes(data);
    Files.write(root.resolve("rootfs.img"), data);
    try (RandomAccessFile f = new RandomAccessFile(root.resolve("sparse.iso").toFile(), "rw")) {
      f.setLength(5 * GIB + 10);
      f.seek(2 * GIB - 3);
      f.write("across-2G".getBytes(StandardCharsets.US_ASCII));
      f.seek(4 * GIB + 123);
      f.write("beyond-4G".getBytes(StandardCharsets.US_ASCII));
      f.seek(5 * GIB);
      f.write("0123456789".getBytes(StandardCharsets.US_ASCII));
    }
    server =
        new WebServer(
            new WebServerConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), root, true));
    server.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.addresses().get(0).getPort() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] slice(int from, int toExclusive) {
    return Arrays.copyOfRange(data, from, toExclusive);
  }

  @Test
  void singleSuffixAndOpenRanges() throws Exception {
    HttpResponse<byte[]> single = get("/rootfs.img", "Range", "bytes=10-19");
    assertThat(single.statusCode()).isEqualTo(206);
    assertThat(single.body()).isEqualTo(slice(10, 20));
    assertThat(single.headers().firstValue("content-length")).contains("10");

    HttpResponse<byte[]> suffix = get("/rootfs.img", "Range", "bytes=-500");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.headers().firstValue("content-range")).contains("bytes 99500-99999/100000");
    assertThat(suffix.body()).isEqualTo(slice(99_500, 100_000));

    HttpResponse<byte[]> open = get("/rootfs.img", "Range", "bytes=99000-");
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body()).isEqualTo(slice(99_000, 100_000));
  }

  @Test
  void multipleRangesAsMultipartByteranges() throws Exception {
    HttpResponse<byte[]> r = get("/rootfs.img", "Range", "bytes=0-9,500-599,-5");
    assertThat(r.statusCode()).isEqualTo(206);
    String type = r.headers().firstValue("content-type").orElseThrow();
    assertThat(type).startsWith("multipart/byteranges; boundary=");
    assertThat(r.headers().firstValueAsLong("content-length").orElseThrow())
        .isEqualTo(r.body().length);
    List<Part> parts = parts(r.body(), type.substring(type.indexOf('=') + 1));
    assertThat(parts)
        .extracting(Part::contentRange)
        .containsExactly("bytes 0-9/100000", "bytes 500-599/100000", "bytes 99995-99999/100000");
    assertThat(parts.get(0).bytes()).isEqualTo(slice(0, 10));
    assertThat(parts.get(1).bytes()).isEqualTo(slice(500, 600));
    assertThat(parts.get(2).bytes()).isEqualTo(slice(99_995, 100_000));
  }

  @Test
  void tooManyOrOverlappingRangesGetTheWholeFile() throws Exception {
    StringBuilder many = new StringBuilder("bytes=0-0");
    for (int i = 1; i < 1000; i++) {
      many.append(',').append(i * 2).append('-').append(i * 2);
    }
    HttpResponse<byte[]> r = get("/rootfs.img", "Range", many.toString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(data);
    HttpResponse<byte[]> overlap = get("/rootfs.img", "Range", "bytes=0-99,50-149");
    assertThat(overlap.statusCode()).isEqualTo(200);
  }

  @Test
  void unsatisfiableRangeIs416WithTheLength() throws Exception {
    HttpResponse<byte[]> r = get("/rootfs.img", "Range", "bytes=100000-");
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(r.headers().firstValue("content-range")).contains("bytes */100000");
  }

  @Test
  void ifRangeWithEtagAndDate() throws Exception {
    HttpResponse<byte[]> full = get("/rootfs.img");
    String etag = full.headers().firstValue("etag").orElseThrow();
    String date = full.headers().firstValue("last-modified").orElseThrow();
    assertThat(get("/rootfs.img", "Range", "bytes=0-9", "If-Range", etag).statusCode())
        .isEqualTo(206);
    assertThat(get("/rootfs.img", "Range", "bytes=0-9", "If-Range", date).statusCode())
        .isEqualTo(206);
    HttpResponse<byte[]> stale = get("/rootfs.img", "Range", "bytes=0-9", "If-Range", "\"old\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(data);
    assertThat(
            get("/rootfs.img", "Range", "bytes=0-9", "If-Range", "Mon, 01 Jan 2001 00:00:00 GMT")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void conditionalGetsGive304() throws Exception {
    HttpResponse<byte[]> full = get("/rootfs.img");
    String etag = full.headers().firstValue("etag").orElseThrow();
    String date = full.headers().firstValue("last-modified").orElseThrow();
    HttpResponse<byte[]> inm = get("/rootfs.img", "If-None-Match", etag);
    assertThat(inm.statusCode()).isEqualTo(304);
    assertThat(inm.body()).isEmpty();
    assertThat(inm.headers().firstValue("etag")).contains(etag);
    assertThat(get("/rootfs.img", "If-Modified-Since", date).statusCode()).isEqualTo(304);
    assertThat(get("/rootfs.img", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    assertThat(get("/rootfs.img", "If-Match", "\"other\"").statusCode()).isEqualTo(412);
  }

  @Test
  void offsetsBeyondTwoAndFourGibOnASparseFile() throws Exception {
    HttpResponse<byte[]> head =
        CLIENT.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.addresses().get(0).getPort() + "/sparse.iso"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.headers().firstValueAsLong("content-length")).hasValue(5 * GIB + 10);

    long at = 4 * GIB + 123;
    HttpResponse<byte[]> r = get("/sparse.iso", "Range", "bytes=" + at + "-" + (at + 8));
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("beyond-4G");
    assertThat(r.headers().firstValue("content-range"))
        .contains("bytes " + at + "-" + (at + 8) + "/" + (5 * GIB + 10));

    HttpResponse<byte[]> across =
        get("/sparse.iso", "Range", "bytes=" + (2 * GIB - 3) + "-" + (2 * GIB + 5));
    assertThat(new String(across.body(), StandardCharsets.US_ASCII)).isEqualTo("across-2G");

    HttpResponse<byte[]> tail = get("/sparse.iso", "Range", "bytes=-10");
    assertThat(new String(tail.body(), StandardCharsets.US_ASCII)).isEqualTo("0123456789");

    HttpResponse<byte[]> multi =
        get("/sparse.iso", "Range", "bytes=" + at + "-" + (at + 8) + ",-10");
    String type = multi.headers().firstValue("content-type").orElseThrow();
    List<Part> parts = parts(multi.body(), type.substring(type.indexOf('=') + 1));
    assertThat(parts)
        .extracting(p -> new String(p.bytes(), StandardCharsets.US_ASCII))
        .containsExactly("beyond-4G", "0123456789");
  }

  record Part(String contentRange, byte[] bytes) {}

  /** A strict reader of multipart/byteranges: checks the delimiters as RFC 2046 writes them. */
  static List<Part> parts(byte[] body, String boundary) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    assertThat(text).endsWith("\r\n--" + boundary + "--\r\n");
    List<Part> parts = new ArrayList<>();
    Pattern head =
        Pattern.compile(
            "(?:\r\n)?--"
                + Pattern.quote(boundary)
                + "\r\nContent-Type: [^\r]+\r\nContent-Range: (bytes (\\d+)-(\\d+)/\\d+)\r\n\r\n");
    int pos = 0;
    Matcher m = head.matcher(text);
    while (m.find(pos) && m.start() == pos) {
      int len = (int) (Long.parseLong(m.group(3)) - Long.parseLong(m.group(2)) + 1);
      int start = m.end();
      parts.add(new Part(m.group(1), Arrays.copyOfRange(body, start, start + len)));
      pos = start + len;
    }
    assertThat(text.substring(pos)).isEqualTo("\r\n--" + boundary + "--\r\n");
    return parts;
  }
}
