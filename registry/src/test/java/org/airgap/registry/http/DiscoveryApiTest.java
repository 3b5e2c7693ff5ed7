package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.Test;

/** end-8 (tags), the catalog and end-12 (referrers). */
class DiscoveryApiTest extends ApiTestBase {

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void tagsAreSortedAndPaginatedWithLink() throws Exception {
    String d = reg.pushImage("r", "b", "1");
    byte[] m = reg.send(reg.request("/v2/r/manifests/" + d)).body();
    for (String t : List.of("a", "c", "B", "1.0", "latest")) {
      reg.putManifest("r", t, "application/vnd.oci.image.manifest.v1+json", m);
    }
    HttpResponse<byte[]> all = reg.send(reg.request("/v2/r/tags/list"));
    JsonNode body = JSON.readTree(all.body());
    assertThat(body.path("name").asText()).isEqualTo("r");
    assertThat(strings(body.path("tags"))).containsExactly("1.0", "B", "a", "b", "c", "latest");
    assertThat(all.headers().firstValue("Link")).isEmpty();

    HttpResponse<byte[]> p1 = reg.send(reg.request("/v2/r/tags/list?n=2"));
    assertThat(strings(JSON.readTree(p1.body()).path("tags"))).containsExactly("1.0", "B");
    assertThat(header(p1, "Link")).isEqualTo("</v2/r/tags/list?n=2&last=B>; rel=\"next\"");
    HttpResponse<byte[]> p2 = reg.send(reg.request("/v2/r/tags/list?n=2&last=B"));
    assertThat(strings(JSON.readTree(p2.body()).path("tags"))).containsExactly("a", "b");
    HttpResponse<byte[]> p3 = reg.send(reg.request("/v2/r/tags/list?n=2&last=b"));
    assertThat(strings(JSON.readTree(p3.body()).path("tags"))).containsExactly("c", "latest");
    assertThat(p3.headers().firstValue("Link")).isEmpty();
    HttpResponse<byte[]> big = reg.send(reg.request("/v2/r/tags/list?n=100000000000"));
    assertThat(big.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(big.body()).path("tags").size()).isEqualTo(6);
    HttpResponse<byte[]> zero = reg.send(reg.request("/v2/r/tags/list?n=0"));
    assertThat(JSON.readTree(zero.body()).path("tags").size()).isZero();
  }

  @Test
  void badPaginationAndUnknownRepository() throws Exception {
    reg.pushImage("r", "t", "2");
    assertError(reg.send(reg.request("/v2/r/tags/list?n=abc")), 400, "PAGINATION_NUMBER_INVALID");
    assertError(reg.send(reg.request("/v2/r/tags/list?n=-1")), 400, "PAGINATION_NUMBER_INVALID");
    assertError(reg.send(reg.request("/v2/nope/tags/list")), 404, "NAME_UNKNOWN");
  }

  @Test
  void catalogListsNamesOfAnyDepthSortedAndPaginated() throws Exception {
    for (String repo :
        List.of(
            "olm/redhat/redhat-operator-index",
            "openshift/release-images",
            "openshift/release",
            "ubi9")) {
      reg.pushImage(repo, "t", repo);
    }
    HttpResponse<byte[]> all = reg.send(reg.request("/v2/_catalog"));
    assertThat(strings(JSON.readTree(all.body()).path("repositories")))
        .containsExactly(
            "olm/redhat/redhat-operator-index",
            "openshift/release",
            "openshift/release-images",
            "ubi9");
    HttpResponse<byte[]> p1 = reg.send(reg.request("/v2/_catalog?n=3"));
    assertThat(JSON.readTree(p1.body()).path("repositories").size()).isEqualTo(3);
    assertThat(header(p1, "Link"))
        .isEqualTo("</v2/_catalog?n=3&last=openshift%2Frelease-images>; rel=\"next\"");
    HttpResponse<byte[]> p2 =
        reg.send(reg.request("/v2/_catalog?n=3&last=openshift/release-images"));
    assertThat(strings(JSON.readTree(p2.body()).path("repositories"))).containsExactly("ubi9");
  }

  @Test
  void referrersListArtifactsWithSubjectAndFilterByArtifactType() throws Exception {
    String subject = reg.pushImage("app", "v1", "subject");
    long subjectSize = reg.send(reg.request("/v2/app/manifests/" + subject)).body().length;
    String empty = reg.pushBlob("app", "{}".getBytes(StandardCharsets.UTF_8));
    String sigLayer = reg.pushBlob("app", "signature".getBytes(StandardCharsets.UTF_8));
    byte[] artifact =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"size\":2,\"digest\":\""
                + empty
                + "\"},"
                + "\"layers\":[{\"mediaType\":\"application/octet-stream\",\"size\":9,\"digest\":\""
                + sigLayer
                + "\"}],"
                + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":"
                + subjectSize
                + ",\"digest\":\""
                + subject
                + "\"},\"annotations\":{\"k\":\"v\"}}")
            .getBytes(StandardCharsets.UTF_8);
    String a = RegistryFixture.sha256(artifact);
    HttpResponse<byte[]> put =
        reg.putManifest("app", a, "application/vnd.oci.image.manifest.v1+json", artifact);
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(header(put, "OCI-Subject")).isEqualTo(subject);
    // an SBOM-like artifact whose type comes from its config media type
    byte[] sbom =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/spdx+json\",\"size\":2,\"digest\":\""
                + empty
                + "\"},"
                + "\"layers\":[],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":"
                + subjectSize
                + ",\"digest\":\""
                + subject
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    reg.putManifest(
        "app", RegistryFixture.sha256(sbom), "application/vnd.oci.image.manifest.v1+json", sbom);

    HttpResponse<byte[]> r = reg.send(reg.request("/v2/app/referrers/" + subject));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "Content-Type")).isEqualTo("application/vnd.oci.image.index.v1+json");
    JsonNode index = JSON.readTree(r.body());
    assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
    assertThat(index.path("manifests").size()).isEqualTo(2);
    JsonNode sig = null;
    for (JsonNode n : index.path("manifests")) {
      if (n.path("digest").asText().equals(a)) {
        sig = n;
      }
    }
    assertThat(sig).isNotNull();
    assertThat(sig.path("artifactType").asText())
        .isEqualTo("application/vnd.dev.cosign.artifact.sig.v1+json");
    assertThat(sig.path("size").asLong()).isEqualTo(artifact.length);
    assertThat(sig.path("annotations").path("k").asText()).isEqualTo("v");

    HttpResponse<byte[]> filtered =
        reg.send(
            reg.request("/v2/app/referrers/" + subject + "?artifactType=application/spdx%2Bjson"));
    assertThat(header(filtered, "OCI-Filters-Applied")).isEqualTo("artifactType");
    JsonNode f = JSON.readTree(filtered.body()).path("manifests");
    assertThat(f.size()).isEqualTo(1);
    assertThat(f.get(0).path("artifactType").asText()).isEqualTo("application/spdx+json");

    // deleting the referrer removes it from the list
    reg.send(reg.request("/v2/app/manifests/" + a).DELETE());
    assertThat(
            JSON.readTree(reg.send(reg.request("/v2/app/referrers/" + subject)).body())
                .path("manifests")
                .size())
        .isEqualTo(1);
  }

  @Test
  void referrersOfAnUnknownDigestAreAnEmptyIndexAndABadDigestIs400() throws Exception {
    String unknown = RegistryFixture.sha256("nothing".getBytes());
    HttpResponse<byte[]> r = reg.send(reg.request("/v2/nowhere/referrers/" + unknown));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("manifests").isArray()).isTrue();
    assertThat(JSON.readTree(r.body()).path("manifests").size()).isZero();
    assertError(reg.send(reg.request("/v2/a/referrers/sha256:nope")), 400, "DIGEST_INVALID");
  }
}
