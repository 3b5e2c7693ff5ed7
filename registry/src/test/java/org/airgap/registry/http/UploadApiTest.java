package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.airgap.registry.RegistryFixture;
import org.airgap.registry.api.Digest;
import org.junit.jupiter.api.Test;

/** end-4a/4b, end-5, end-6, end-11, end-13 and cancel: every upload path and its errors. */
class UploadApiTest extends ApiTestBase {

  String start(String repo) throws Exception {
    HttpResponse<byte[]> r = reg.send(reg.request("/v2/" + repo + "/blobs/uploads/").POST(NONE));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(header(r, "Range")).isEqualTo("0-0");
    assertThat(header(r, "Docker-Upload-UUID")).isNotEmpty();
    String location = header(r, "Location");
    assertThat(location).startsWith(reg.base + "/v2/" + repo + "/blobs/uploads/");
    return location;
  }

  HttpResponse<byte[]> patch(String location, byte[] chunk, String contentRange) throws Exception {
    HttpRequest.Builder b =
        reg.request(location)
            .method("PATCH", BodyPublishers.ofByteArray(chunk))
            .header("Content-Type", "application/octet-stream");
    if (contentRange != null) {
      b.header("Content-Range", contentRange);
    }
    return reg.send(b);
  }

  HttpResponse<byte[]> put(String location, String digest, byte[] last) throws Exception {
    return reg.send(
        reg.request(location + "?digest=" + digest).PUT(BodyPublishers.ofByteArray(last)));
  }

  @Test
  void chunkedUploadWithContentRangeAndProgress() throws Exception {
    byte[] blob = bytes(300_000, 1);
    String loc = start("olm/redhat/redhat-operator-index");
    HttpResponse<byte[]> r = patch(loc, Arrays.copyOfRange(blob, 0, 100_000), "0-99999");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(header(r, "Range")).isEqualTo("0-99999");
    assertThat(header(r, "Location")).isEqualTo(loc); // the URL stays valid: retry with it
    r = patch(loc, Arrays.copyOfRange(blob, 100_000, 200_000), "100000-199999");
    assertThat(header(r, "Range")).isEqualTo("0-199999");
    HttpResponse<byte[]> status = reg.send(reg.request(loc));
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(header(status, "Range")).isEqualTo("0-199999");
    assertThat(header(status, "Location")).isEqualTo(loc);
    String d = RegistryFixture.sha256(blob);
    r = put(loc, d, Arrays.copyOfRange(blob, 200_000, 300_000));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(header(r, "Docker-Content-Digest")).isEqualTo(d);
    assertThat(header(r, "Location")).endsWith("/v2/olm/redhat/redhat-operator-index/blobs/" + d);
    assertThat(reg.send(reg.request("/v2/olm/redhat/redhat-operator-index/blobs/" + d)).body())
        .isEqualTo(blob);
    assertThat(reg.server.counters().get("blob_uploads")).isEqualTo(1L);
    assertThat(reg.server.counters().get("bytes_in")).isGreaterThanOrEqualTo(300_000L);
  }

  @Test
  void outOfOrderChunkIs416WithTheCurrentRangeAndTheUploadGoesOn() throws Exception {
    byte[] blob = bytes(20, 2);
    String loc = start("a");
    patch(loc, Arrays.copyOfRange(blob, 0, 10), "0-9");
    HttpResponse<byte[]> r = patch(loc, Arrays.copyOfRange(blob, 5, 10), "5-9");
    assertError(r, 416, "RANGE_INVALID");
    assertThat(header(r, "Range")).isEqualTo("0-9");
    assertThat(header(r, "Location")).isEqualTo(loc);
    r = patch(loc, Arrays.copyOfRange(blob, 15, 20), "15-19"); // a gap is out of order too
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(patch(loc, Arrays.copyOfRange(blob, 10, 20), "10-19").statusCode()).isEqualTo(202);
    assertThat(put(loc, RegistryFixture.sha256(blob), new byte[0]).statusCode()).isEqualTo(201);
  }

  @Test
  void streamedPatchesWithoutContentRangeAppend() throws Exception {
    byte[] blob = bytes(5000, 3);
    String loc = start("a");
    assertThat(header(patch(loc, Arrays.copyOfRange(blob, 0, 3000), null), "Range"))
        .isEqualTo("0-2999");
    assertThat(header(patch(loc, Arrays.copyOfRange(blob, 3000, 5000), null), "Range"))
        .isEqualTo("0-4999");
    assertThat(put(loc, RegistryFixture.sha256(blob), new byte[0]).statusCode()).isEqualTo(201);
  }

  @Test
  void badContentRangeAndLengthMismatchAre400() throws Exception {
    String loc = start("a");
    assertError(patch(loc, new byte[5], "five"), 400, "BLOB_UPLOAD_INVALID");
    assertError(patch(loc, new byte[5], "0-9"), 400, "SIZE_INVALID");
  }

  @Test
  void digestMismatchStoresNothingAndEndsTheUpload() throws Exception {
    byte[] blob = bytes(100, 4);
    String loc = start("a");
    patch(loc, blob, null);
    String wrong = RegistryFixture.sha256("other".getBytes());
    var e = assertError(put(loc, wrong, new byte[0]), 400, "DIGEST_INVALID");
    assertThat(e.path("detail").path("actual").asText()).isEqualTo(RegistryFixture.sha256(blob));
    assertError(reg.send(reg.request("/v2/a/blobs/" + wrong)), 404, "BLOB_UNKNOWN");
    assertError(
        reg.send(reg.request("/v2/a/blobs/" + RegistryFixture.sha256(blob))), 404, "BLOB_UNKNOWN");
    assertError(reg.send(reg.request(loc)), 404, "BLOB_UPLOAD_UNKNOWN");
    try (var s = java.nio.file.Files.list(reg.storage.resolve("uploads"))) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void sha512DigestsAreVerified() throws Exception {
    byte[] blob = bytes(1000, 5);
    var md = Digest.hasher("sha512");
    md.update(blob);
    String d = Digest.of("sha512", md).toString();
    String loc = start("a");
    assertThat(put(loc, d, blob).statusCode()).isEqualTo(201);
    assertThat(reg.send(reg.request("/v2/a/blobs/" + d)).body()).isEqualTo(blob);
  }

  @Test
  void putWithoutDigestIs400AndBadDigestIs400() throws Exception {
    String loc = start("a");
    assertError(reg.send(reg.request(loc).PUT(NONE)), 400, "DIGEST_INVALID");
    assertError(put(loc, "sha256:xyz", new byte[0]), 400, "DIGEST_INVALID");
    assertThat(reg.send(reg.request(loc)).statusCode()).isEqualTo(204); // still there
  }

  @Test
  void cancelEndsTheUpload() throws Exception {
    String loc = start("a");
    patch(loc, new byte[10], null);
    assertThat(reg.send(reg.request(loc).DELETE()).statusCode()).isEqualTo(204);
    assertError(reg.send(reg.request(loc)), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(patch(loc, new byte[1], null), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(reg.send(reg.request(loc).DELETE()), 404, "BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void unknownUploadsAndUploadsOfAnotherRepositoryAre404() throws Exception {
    String loc = start("a");
    assertError(reg.send(reg.request(loc.replace("/v2/a/", "/v2/b/"))), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(
        reg.send(reg.request("/v2/a/blobs/uploads/00000000-0000-0000-0000-000000000000")),
        404,
        "BLOB_UPLOAD_UNKNOWN");
    assertError(reg.send(reg.request("/v2/a/blobs/uploads/..")), 404, "BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void monolithicPostWithDigestAndIdempotentRepush() throws Exception {
    byte[] blob = bytes(4096, 6);
    String d = RegistryFixture.sha256(blob);
    for (int i = 0; i < 2; i++) {
      HttpResponse<byte[]> r =
          reg.send(
              reg.request("/v2/a/blobs/uploads/?digest=" + d)
                  .POST(BodyPublishers.ofByteArray(blob)));
      assertThat(r.statusCode()).isEqualTo(201);
      assertThat(header(r, "Docker-Content-Digest")).isEqualTo(d);
    }
    HttpResponse<byte[]> bad =
        reg.send(
            reg.request("/v2/a/blobs/uploads/?digest=" + RegistryFixture.sha256(new byte[1]))
                .POST(BodyPublishers.ofByteArray(blob)));
    assertError(bad, 400, "DIGEST_INVALID");
  }

  @Test
  void crossRepositoryMountAndFallbackToUpload() throws Exception {
    String d = reg.pushBlob("base/ubi9", bytes(100, 7));
    HttpResponse<byte[]> r =
        reg.send(reg.request("/v2/app/blobs/uploads/?mount=" + d + "&from=base/ubi9").POST(NONE));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(header(r, "Location")).endsWith("/v2/app/blobs/" + d);
    assertThat(reg.send(reg.request("/v2/app/blobs/" + d)).statusCode()).isEqualTo(200);
    String unknown = RegistryFixture.sha256("unknown".getBytes());
    r =
        reg.send(
            reg.request("/v2/app/blobs/uploads/?mount=" + unknown + "&from=base/ubi9").POST(NONE));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(header(r, "Location")).contains("/v2/app/blobs/uploads/");
    r = reg.send(reg.request("/v2/app/blobs/uploads/?mount=" + d + "&from=Bad..Name").POST(NONE));
    assertError(r, 400, "NAME_INVALID");
  }

  @Test
  void concurrentPushesOfOneBlobAllSucceed() throws Exception {
    byte[] blob = bytes(200_000, 8);
    String d = RegistryFixture.sha256(blob);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String repo = "r" + (i % 2);
        fs.add(
            pool.submit(
                () ->
                    reg.send(
                            reg.request("/v2/" + repo + "/blobs/uploads/?digest=" + d)
                                .POST(BodyPublishers.ofByteArray(blob)))
                        .statusCode()));
      }
      for (Future<Integer> f : fs) {
        assertThat(f.get()).isEqualTo(201);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(reg.send(reg.request("/v2/r1/blobs/" + d)).body()).isEqualTo(blob);
  }

  @Test
  void writesNeedCredentials() throws Exception {
    HttpResponse<byte[]> r =
        reg.send(
            HttpRequest.newBuilder(java.net.URI.create(reg.base + "/v2/a/blobs/uploads/"))
                .POST(NONE));
    assertError(r, 401, "UNAUTHORIZED");
  }
}
