package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
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
        // Known limit (no lingering close yet): closing with the unread rest of a big body in
        // the socket makes the kernel send RST, which can reach the client before it has read
        // the 401. Only a too-big body may end so; what matters is the next request below.
        assertThat(tooBig).as("a drained request never loses its reply: " + reset).isTrue();
        closes++;
        resets++;
        r = null;
      }
      if (r != null) {
        assertError(r, 401, "UNAUTHORIZED");
        if (r.headers().firstValue("Connection").filter("close"::equalsIgnoreCase).isPresent()) {
          closes++;
        }
      }
      HttpResponse<byte[]> status =
          one.send(reg.request(loc).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(status.statusCode()).isEqualTo(204);
    }
    assertThat(closes).isEqualTo(15); // exactly the big bodies
    assertThat(resets).as("resets before the 401 was read").isLessThan(15);
  }
}
