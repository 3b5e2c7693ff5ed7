package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Early error replies on one keep-alive connection: the server answers before it reads the body (a
 * bad Content-Range, a length mismatch, no credentials). Each reply must leave the connection
 * usable, or say {@code Connection: close}; otherwise the JDK client reuses a dead connection and
 * fails with "HTTP/1.1 header parser received no bytes" (the flake of UploadApiTest).
 */
class KeepAliveTest extends ApiTestBase {

  @Test
  void earlyErrorsOnOneKeepAliveClientNeverBreakTheNextRequest() throws Exception {
    HttpClient one =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<byte[]> started =
        one.send(
            reg.request("/v2/a/blobs/uploads/").POST(NONE).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    String loc = header(started, "Location");
    byte[] small = bytes(5, 1);
    byte[] big = bytes((int) RequestBodies.DRAIN_LIMIT * 2, 2);
    int closes = 0;
    int resets = 0;
    for (int i = 0; i < 150; i++) {
      HttpResponse<byte[]> r =
          one.send(
              reg.request(loc)
                  .method("PATCH", BodyPublishers.ofByteArray(small))
                  .header("Content-Range", "five")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertError(r, 400, "BLOB_UPLOAD_INVALID");
      assertThat(r.headers().firstValue("Connection")).hasValue("keep-alive"); // drained
      r =
          one.send(
              reg.request(loc)
                  .method("PATCH", BodyPublishers.ofByteArray(small))
                  .header("Content-Range", "0-9")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertError(r, 400, "SIZE_INVALID");
      // no credentials, a body too big to drain: the reply closes the connection and says so
      boolean tooBig = i % 10 == 0;
      try {
        r =
            one.send(
                HttpRequest.newBuilder(java.net.URI.create(loc))
                    .method("PATCH", BodyPublishers.ofByteArray(tooBig ? big : small))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
      } catch (java.io.IOException reset) {
        // closing with the unread rest of a big body in the socket would make the kernel send
        // RST, which can reach the client before it has read the 401: the server lingers
        resets++;
        continue;
      }
      assertError(r, 401, "UNAUTHORIZED");
      if (r.headers().firstValue("Connection").filter("close"::equalsIgnoreCase).isPresent()) {
        closes++;
      }
      HttpResponse<byte[]> status =
          one.send(reg.request(loc).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(status.statusCode()).isEqualTo(204);
    }
    assertThat(resets).as("replies lost to a reset").isZero();
    assertThat(closes).isEqualTo(15); // exactly the big bodies
  }

  /**
   * A client that streams a 32 MiB body without credentials and reads the reply only after it has
   * sent everything (as a simple uploader does): the 401 must still be there to read, not a reset.
   */
  @Test
  void aBigBodyRefusedEarlyStillGetsItsReplyNotAReset() throws Exception {
    String path = uploadPath();
    int size = 32 * 1024 * 1024;
    try (java.net.Socket s = rawConnect()) {
      OutputStream out = s.getOutputStream();
      out.write(patchHead(path, size));
      byte[] chunk = bytes(64 * 1024, 3);
      for (int sent = 0; sent < size; sent += chunk.length) {
        out.write(chunk); // a reset here is the defect: the server closed with bytes unread
      }
      out.flush();
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(reply).startsWith("HTTP/1.1 401").containsIgnoringCase("Connection: close");
      assertThat(reply).contains("\"UNAUTHORIZED\"");
    }
  }

  /** A client that stops sending half-way is not waited for longer than the linger time. */
  @Test
  void aStalledBodyAfterAnEarlyReplyEndsTheConnectionInTime() throws Exception {
    String path = uploadPath();
    try (java.net.Socket s = rawConnect()) {
      s.setSoTimeout((int) RequestBodies.LINGER_MILLIS * 4);
      OutputStream out = s.getOutputStream();
      out.write(patchHead(path, 32 * 1024 * 1024));
      out.write(bytes(1024 * 1024, 4));
      out.flush();
      long start = System.nanoTime();
      byte[] reply = s.getInputStream().readAllBytes(); // ends when the server closes
      long waited = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(new String(reply, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 401");
      assertThat(waited)
          .isBetween(RequestBodies.LINGER_MILLIS / 2, RequestBodies.LINGER_MILLIS * 3);
    }
  }

  private String uploadPath() throws Exception {
    HttpResponse<byte[]> started = reg.send(reg.request("/v2/a/blobs/uploads/").POST(NONE));
    assertThat(started.statusCode()).isEqualTo(202);
    java.net.URI loc = java.net.URI.create(reg.base).resolve(header(started, "Location"));
    return loc.getRawPath() + (loc.getRawQuery() == null ? "" : "?" + loc.getRawQuery());
  }

  private java.net.Socket rawConnect() throws IOException {
    java.net.URI base = java.net.URI.create(reg.base);
    return new java.net.Socket(base.getHost(), base.getPort());
  }

  private byte[] patchHead(String path, long length) {
    return ("PATCH "
            + path
            + " HTTP/1.1\r\nHost: "
            + reg.hostPort()
            + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
            + length
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
