package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.Test;

/** end-3, end-7, end-9: manifests of every kind, their checks and deletes. */
class ManifestApiTest extends ApiTestBase {
  static final String OCI = "application/vnd.oci.image.manifest.v1+json";
  static final String INDEX = "application/vnd.oci.image.index.v1+json";
  static final String DOCKER = "application/vnd.docker.distribution.manifest.v2+json";
  static final String LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

  byte[] image(String repo, String seed) throws Exception {
    byte[] config = ("{\"c\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
    byte[] layer = bytes(1000, seed.hashCode());
    String c = reg.pushBlob(repo, config);
    String l = reg.pushBlob(repo, layer);
    return RegistryFixture.imageManifest(c, config.length, l, "1000");
  }

  @Test
  void putByTagThenGetByTagAndDigestByteForByte() throws Exception {
    // extra whitespace and an unknown field must survive: bytes are kept
    byte[] m =
        new String(image("openshift/release-images", "x"), StandardCharsets.UTF_8)
            .replace("{\"schemaVersion\"", "{ \"x-unknown\": [1,2],\n  \"schemaVersion\"")
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> put = reg.putManifest("openshift/release-images", "4.16.0-x86_64", OCI, m);
    assertThat(put.statusCode()).isEqualTo(201);
    String d = RegistryFixture.sha256(m);
    assertThat(header(put, "Docker-Content-Digest")).isEqualTo(d);
    assertThat(header(put, "Location")).endsWith("/v2/openshift/release-images/manifests/" + d);
    for (String ref : List.of("4.16.0-x86_64", d)) {
      HttpResponse<byte[]> get =
          reg.send(reg.request("/v2/openshift/release-images/manifests/" + ref));
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo(m);
      assertThat(header(get, "Content-Type")).isEqualTo(OCI);
      assertThat(header(get, "Docker-Content-Digest")).isEqualTo(d);
      HttpResponse<byte[]> head =
          reg.send(
              reg.request("/v2/openshift/release-images/manifests/" + ref).method("HEAD", NONE));
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(header(head, "Content-Length")).isEqualTo(Integer.toString(m.length));
      assertThat(header(head, "Content-Type")).isEqualTo(OCI);
    }
    assertThat(reg.server.counters().get("manifest_puts")).isEqualTo(1L);
  }

  @Test
  void dockerSchema2AndManifestListKeepTheirContentType() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String c = reg.pushBlob("d", config);
    String l = reg.pushBlob("d", bytes(10, 1));
    byte[] m =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + DOCKER
                + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.docker.container.image.v1+json\",\"size\":2,\"digest\":\""
                + c
                + "\"},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
                + "\"size\":10,\"digest\":\""
                + l
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(reg.putManifest("d", "v1", DOCKER, m).statusCode()).isEqualTo(201);
    byte[] list =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + LIST
                + "\",\"manifests\":[{\"mediaType\":\""
                + DOCKER
                + "\",\"size\":"
                + m.length
                + ",\"digest\":\""
                + RegistryFixture.sha256(m)
                + "\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(reg.putManifest("d", "multi", LIST, list).statusCode()).isEqualTo(201);
    assertThat(header(reg.send(reg.request("/v2/d/manifests/v1")), "Content-Type"))
        .isEqualTo(DOCKER);
    HttpResponse<byte[]> got = reg.send(reg.request("/v2/d/manifests/multi"));
    assertThat(header(got, "Content-Type")).isEqualTo(LIST);
    assertThat(got.body()).isEqualTo(list);
  }

  @Test
  void missingBlobsAndChildrenAreManifestBlobUnknown() throws Exception {
    String c = reg.pushBlob("a", "{}".getBytes());
    String missing = RegistryFixture.sha256("missing".getBytes());
    byte[] m = RegistryFixture.imageManifest(c, 2, missing, "7");
    var e = assertError(reg.putManifest("a", "t", OCI, m), 404, "MANIFEST_BLOB_UNKNOWN");
    assertThat(e.path("detail").path("missing").get(0).asText()).isEqualTo(missing);
    byte[] index =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + INDEX
                + "\",\"manifests\":[{\"mediaType\":\""
                + OCI
                + "\",\"size\":7,\"digest\":\""
                + missing
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    assertError(reg.putManifest("a", "i", INDEX, index), 404, "MANIFEST_BLOB_UNKNOWN");
    assertError(reg.send(reg.request("/v2/a/manifests/t")), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void nonDistributableLayersNeedNotBeThere() throws Exception {
    String c = reg.pushBlob("win", "{}".getBytes());
    String foreign = RegistryFixture.sha256("foreign".getBytes());
    byte[] m =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + OCI
                + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"size\":2,\"digest\":\""
                + c
                + "\"},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip\","
                + "\"size\":7,\"digest\":\""
                + foreign
                + "\",\"urls\":[\"https://example.com/l\"]}]}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(reg.putManifest("win", "1", OCI, m).statusCode()).isEqualTo(201);
  }

  @Test
  void invalidManifestsAre400() throws Exception {
    String c = reg.pushBlob("a", "{}".getBytes());
    List<String> bad =
        List.of(
            "not json",
            "[]",
            "{\"schemaVersion\":1}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\"}",
            "{\"schemaVersion\":2,\"mediaType\":\""
                + OCI
                + "\",\"config\":{\"mediaType\":\"x\",\"size\":-1,\"digest\":\""
                + c
                + "\"},\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\""
                + OCI
                + "\",\"config\":{\"mediaType\":\"x\",\"size\":2,\"digest\":\"sha256:bad\"},\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":{}}",
            "{\"schemaVersion\":2,\"mediaType\":\"application/x-other\"}");
    for (String b : bad) {
      assertError(
          reg.putManifest("a", "t", OCI, b.getBytes(StandardCharsets.UTF_8)),
          400,
          "MANIFEST_INVALID");
    }
    byte[] m = RegistryFixture.imageManifest(c, 2);
    assertError(reg.putManifest("a", "t", INDEX, m), 400, "MANIFEST_INVALID"); // header vs body
  }

  @Test
  void putByDigestMustMatch() throws Exception {
    byte[] m = image("a", "d");
    String d = RegistryFixture.sha256(m);
    String other = RegistryFixture.sha256("x".getBytes());
    assertError(reg.putManifest("a", other, OCI, m), 400, "DIGEST_INVALID");
    HttpResponse<byte[]> r = reg.putManifest("a", d, OCI, m);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(reg.send(reg.request("/v2/a/manifests/" + d)).body()).isEqualTo(m);
    assertThat(reg.send(reg.request("/v2/a/tags/list")).statusCode()).isEqualTo(200);
  }

  @Test
  void indexOfPushedManifests() throws Exception {
    byte[] amd = image("multi", "amd64");
    byte[] arm = image("multi", "arm64");
    reg.putManifest("multi", RegistryFixture.sha256(amd), OCI, amd);
    reg.putManifest("multi", RegistryFixture.sha256(arm), OCI, arm);
    byte[] index =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + INDEX
                + "\",\"manifests\":["
                + "{\"mediaType\":\""
                + OCI
                + "\",\"size\":"
                + amd.length
                + ",\"digest\":\""
                + RegistryFixture.sha256(amd)
                + "\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\""
                + OCI
                + "\",\"size\":"
                + arm.length
                + ",\"digest\":\""
                + RegistryFixture.sha256(arm)
                + "\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(reg.putManifest("multi", "latest", INDEX, index).statusCode()).isEqualTo(201);
    assertThat(reg.send(reg.request("/v2/multi/manifests/latest")).body()).isEqualTo(index);
  }

  @Test
  void deleteByDigestTakesItsTagsAndDeleteTagKeepsTheManifest() throws Exception {
    byte[] m = image("a", "del");
    String d = RegistryFixture.sha256(m);
    reg.putManifest("a", "one", OCI, m);
    reg.putManifest("a", "two", OCI, m);
    assertThat(reg.send(reg.request("/v2/a/manifests/one").DELETE()).statusCode()).isEqualTo(202);
    assertError(reg.send(reg.request("/v2/a/manifests/one")), 404, "MANIFEST_UNKNOWN");
    assertThat(reg.send(reg.request("/v2/a/manifests/" + d)).statusCode()).isEqualTo(200);
    assertThat(reg.send(reg.request("/v2/a/manifests/" + d).DELETE()).statusCode()).isEqualTo(202);
    assertError(reg.send(reg.request("/v2/a/manifests/two")), 404, "MANIFEST_UNKNOWN");
    assertError(reg.send(reg.request("/v2/a/manifests/" + d)), 404, "MANIFEST_UNKNOWN");
    assertError(reg.send(reg.request("/v2/a/manifests/" + d).DELETE()), 404, "MANIFEST_UNKNOWN");
    assertError(reg.send(reg.request("/v2/a/manifests/nope").DELETE()), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void badReferencesAre400() throws Exception {
    assertError(reg.send(reg.request("/v2/a/manifests/-dash")), 400, "TAG_INVALID");
    assertError(reg.send(reg.request("/v2/a/manifests/" + "t".repeat(129))), 400, "TAG_INVALID");
    assertError(reg.send(reg.request("/v2/a/manifests/sha256:short")), 400, "DIGEST_INVALID");
  }

  @Test
  void fourMebibyteManifestIsAcceptedAndAHugeOneIs413() throws Exception {
    String c = reg.pushBlob("big", "{}".getBytes());
    String pad = "p".repeat(4 * 1024 * 1024);
    byte[] m =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + OCI
                + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"size\":2,\"digest\":\""
                + c
                + "\"},\"layers\":[],\"annotations\":{\"pad\":\""
                + pad
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(reg.putManifest("big", "four", OCI, m).statusCode()).isEqualTo(201);
    assertThat(reg.send(reg.request("/v2/big/manifests/four")).body()).isEqualTo(m);
    byte[] huge = new byte[ManifestHandler.MAX_MANIFEST_BYTES + 10];
    java.util.Arrays.fill(huge, (byte) ' ');
    assertError(reg.putManifest("big", "huge", OCI, huge), 413, "MANIFEST_TOO_BIG");
  }

  @Test
  void sigstoreSignatureTagsAreOrdinaryTags() throws Exception {
    byte[] m = image("rel", "sig");
    String d = RegistryFixture.sha256(m);
    reg.putManifest("rel", "4.16", OCI, m);
    String sigTag = d.replace(":", "-") + ".sig";
    byte[] sig = image("rel", "signature");
    assertThat(reg.putManifest("rel", sigTag, OCI, sig).statusCode()).isEqualTo(201);
    assertThat(reg.send(reg.request("/v2/rel/manifests/" + sigTag)).body()).isEqualTo(sig);
    String tags =
        new String(reg.send(reg.request("/v2/rel/tags/list")).body(), StandardCharsets.UTF_8);
    assertThat(tags).contains(sigTag, "4.16");
  }

  @Test
  void concurrentPutsOfOneTagLeaveOneOfThem() throws Exception {
    List<byte[]> ms = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ms.add(image("race", "m" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (byte[] m : ms) {
        fs.add(pool.submit(() -> reg.putManifest("race", "latest", OCI, m).statusCode()));
      }
      for (Future<Integer> f : fs) {
        assertThat(f.get()).isEqualTo(201);
      }
    } finally {
      pool.shutdownNow();
    }
    byte[] got = reg.send(reg.request("/v2/race/manifests/latest")).body();
    assertThat(ms).anySatisfy(m -> assertThat(m).isEqualTo(got));
  }

  @Test
  void pushNeedsCredentials() throws Exception {
    HttpResponse<byte[]> r =
        reg.send(
            HttpRequest.newBuilder(java.net.URI.create(reg.base + "/v2/a/manifests/t"))
                .header("Content-Type", OCI)
                .PUT(BodyPublishers.ofString("{}")));
    assertError(r, 401, "UNAUTHORIZED");
  }
}
