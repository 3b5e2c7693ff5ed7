package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anonymousPull}: reads without credentials, writes never. */
class AnonymousPullTest {
  @TempDir Path dir;
  RegistryFixture reg;

  @BeforeEach
  void start() throws Exception {
    reg = RegistryFixture.anonymousPull(dir);
  }

  @AfterEach
  void stop() {
    reg.close();
  }

  HttpRequest.Builder anonymous(String path) {
    return HttpRequest.newBuilder(URI.create(reg.base + path));
  }

  @Test
  void pullsWorkWithoutCredentialsAndPushesDoNot() throws Exception {
    String digest = reg.pushImage("ubi9", "latest", "anon");
    HttpResponse<byte[]> m = reg.send(anonymous("/v2/ubi9/manifests/latest"));
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    assertThat(reg.send(anonymous("/v2/ubi9/tags/list")).statusCode()).isEqualTo(200);
    ApiTestBase.assertError(
        reg.send(anonymous("/v2/ubi9/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody())),
        401,
        "UNAUTHORIZED");
    ApiTestBase.assertError(
        reg.send(anonymous("/v2/ubi9/manifests/" + digest).DELETE()), 401, "UNAUTHORIZED");
    // the base check still challenges, so clients with credentials send them for pushes
    assertThat(reg.send(anonymous("/v2/")).statusCode()).isEqualTo(401);
    // wrong credentials are refused, not downgraded to anonymous
    HttpResponse<byte[]> wrong =
        reg.send(
            anonymous("/v2/ubi9/manifests/latest")
                .header("Authorization", RegistryFixture.basic("mirror", "bad")));
    assertThat(wrong.statusCode()).isEqualTo(401);
  }
}
