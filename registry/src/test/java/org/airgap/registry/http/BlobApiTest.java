package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.Test;

/** end-2 and end-10: blob GET/HEAD with ranges and conditionals, DELETE, name checks. */
class BlobApiTest extends ApiTestBase {

  @Test
  void getAndHeadServeTheBytesWithDigestAndLength() throws Exception {
    byte[] blob = bytes(3 * 1024 * 1024 + 17, 1); // past any single buffer: exercises transferFrom
    String d = reg.pushBlob("openshift/release-images", blob);
    HttpResponse<byte[]> get = reg.send(reg.request("/v2/openshift/release-images/blobs/" + d));
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(blob);
    assertThat(header(get, "Docker-Content-Digest")).isEqualTo(d);
    assertThat(header(get, "Content-Length")).isEqualTo(Integer.toString(blob.length));
    assertThat(header(get, "ETag")).isEqualTo("\"" + d + "\"");
    HttpResponse<byte[]> head =
        reg.send(reg.request("/v2/openshift/release-images/blobs/" + d).method("HEAD", NONE));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(header(head, "Content-Length")).isEqualTo(Integer.toString(blob.length));
    assertThat(header(head, "Docker-Content-Digest")).isEqualTo(d);
  }

  @Test
  void emptyBlob() throws Exception {
    String d = reg.pushBlob("a", new byte[0]);
    HttpResponse<byte[]> get = reg.send(reg.request("/v2/a/blobs/" + d));
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEmpty();
  }

  @Test
  void rangeGivesPartialContent() throws Exception {
    byte[] blob = bytes(1000, 2);
    String d = reg.pushBlob("a", blob);
    HttpResponse<byte[]> r =
        reg.send(reg.request("/v2/a/blobs/" + d).header("Range", "bytes=100-199"));
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(header(r, "Content-Range")).isEqualTo("bytes 100-199/1000");
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(blob, 100, 200));
    r = reg.send(reg.request("/v2/a/blobs/" + d).header("Range", "bytes=-10"));
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(blob, 990, 1000));
  }

  @Test
  void unsatisfiableRangeIs416WithLengthAndEmptyBody() throws Exception {
    String d = reg.pushBlob("a", bytes(1000, 3));
    HttpResponse<byte[]> r =
        reg.send(reg.request("/v2/a/blobs/" + d).header("Range", "bytes=5000-"));
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(header(r, "Content-Range")).isEqualTo("bytes */1000");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void ifRangeWithTheDigestEtagHoldsAndAnotherDoesNot() throws Exception {
    byte[] blob = bytes(100, 4);
    String d = reg.pushBlob("a", blob);
    HttpResponse<byte[]> r =
        reg.send(
            reg.request("/v2/a/blobs/" + d)
                .header("Range", "bytes=0-9")
                .header("If-Range", "\"" + d + "\""));
    assertThat(r.statusCode()).isEqualTo(206);
    r =
        reg.send(
            reg.request("/v2/a/blobs/" + d)
                .header("Range", "bytes=0-9")
                .header("If-Range", "\"other\""));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(blob);
    r = reg.send(reg.request("/v2/a/blobs/" + d).header("If-None-Match", "\"" + d + "\""));
    assertThat(r.statusCode()).isEqualTo(304);
  }

  @Test
  void severalRangesAreMultipart() throws Exception {
    byte[] blob = bytes(100, 5);
    String d = reg.pushBlob("a", blob);
    HttpResponse<byte[]> r =
        reg.send(reg.request("/v2/a/blobs/" + d).header("Range", "bytes=0-1,10-11"));
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(header(r, "Content-Type")).startsWith("multipart/byteranges; boundary=");
    String body = new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(body).contains("Content-Range: bytes 0-1/100", "Content-Range: bytes 10-11/100");
    assertThat(Long.parseLong(header(r, "Content-Length"))).isEqualTo(r.body().length);
  }

  @Test
  void unknownBlobIs404AndHeadHasNoBody() throws Exception {
    reg.pushBlob("a", bytes(10, 6));
    String missing = RegistryFixture.sha256("nope".getBytes());
    assertError(reg.send(reg.request("/v2/a/blobs/" + missing)), 404, "BLOB_UNKNOWN");
    HttpResponse<byte[]> head =
        reg.send(reg.request("/v2/a/blobs/" + missing).method("HEAD", NONE));
    assertThat(head.statusCode()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aBlobOfAnotherRepositoryIsNotServed() throws Exception {
    String d = reg.pushBlob("a", bytes(10, 7));
    assertError(reg.send(reg.request("/v2/b/blobs/" + d)), 404, "BLOB_UNKNOWN");
  }

  @Test
  void invalidDigestsAre400() throws Exception {
    for (String bad :
        new String[] {
          "sha256:abc",
          "md5:" + "a".repeat(32),
          "sha256:" + "A".repeat(64),
          "sha512:" + "a".repeat(64)
        }) {
      assertError(reg.send(reg.request("/v2/a/blobs/" + bad)), 400, "DIGEST_INVALID");
    }
  }

  @Test
  void invalidNamesAndTraversalAre400() throws Exception {
    String d = RegistryFixture.sha256(new byte[0]);
    for (String bad :
        new String[] {
          "/v2/Upper/blobs/",
          "/v2/a/%2e%2e/b/blobs/",
          "/v2/a//b/blobs/",
          "/v2/-a/blobs/",
          "/v2/a_/blobs/",
          "/v2/_x/blobs/"
        }) {
      assertError(reg.send(reg.request(bad + d)), 400, "NAME_INVALID");
    }
    assertError(
        reg.send(reg.request("/v2/" + "a".repeat(256) + "/blobs/" + d)), 400, "NAME_INVALID");
  }

  @Test
  void deleteUnlinksTheBlobFromTheRepository() throws Exception {
    String d = reg.pushBlob("a/b", bytes(10, 8));
    reg.pushBlob("c", bytes(10, 8));
    HttpResponse<byte[]> r = reg.send(reg.request("/v2/a/b/blobs/" + d).DELETE());
    assertThat(r.statusCode()).isEqualTo(202);
    assertError(reg.send(reg.request("/v2/a/b/blobs/" + d)), 404, "BLOB_UNKNOWN");
    assertError(reg.send(reg.request("/v2/a/b/blobs/" + d).DELETE()), 404, "BLOB_UNKNOWN");
    assertThat(reg.send(reg.request("/v2/c/blobs/" + d)).statusCode()).isEqualTo(200);
  }

  @Test
  void pullNeedsCredentialsUnlessAnonymousPullIsOn() throws Exception {
    String d = reg.pushBlob("a", bytes(10, 9));
    HttpResponse<byte[]> r =
        reg.send(HttpRequest.newBuilder(java.net.URI.create(reg.base + "/v2/a/blobs/" + d)));
    assertError(r, 401, "UNAUTHORIZED");
  }
}
