package org.airgap.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.airgap.registry.RegistryConfig;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 endpoint down at start and in the middle: the registry starts anyway, is not ready,
 * answers 503 {@code UNAVAILABLE}, and recovers by itself when the endpoint returns, with nothing
 * lost or torn. s3proxy of its own, stopped and restarted by PID on the same port.
 */
class S3OutageTest {
  @TempDir Path dir;
  S3Proxy proxy;
  RegistryFixture reg;

  @BeforeEach
  void startProxy() throws Exception {
    proxy = S3Proxy.startNew(dir.resolve("s3"));
  }

  @AfterEach
  void stop() {
    if (reg != null) {
      reg.close();
    }
    proxy.close();
  }

  private static void assertUnavailable(HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"UNAVAILABLE\"");
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void endpointDownAtStartThenBack() throws Exception {
    S3Settings s = proxy.freshSettings();
    proxy.stop();
    reg = RegistryFixture.s3(dir.resolve("reg"), s, RegistryConfig.Upkeep.defaults());
    assertThat(reg.server.storageProblem()).isPresent();
    assertUnavailable(reg.send(reg.request("/v2/_catalog")));
    assertUnavailable(
        reg.send(
            reg.request("/v2/a/blobs/uploads/").POST(HttpRequest.BodyPublishers.ofString("x"))));
    proxy.start();
    reg.awaitReady(Duration.ofSeconds(30));
    String m = reg.pushImage("a", "v1", "after-outage");
    assertThat(reg.send(reg.request("/v2/a/manifests/v1")).statusCode()).isEqualTo(200);
    assertThat(m).startsWith("sha256:");
  }

  @Test
  void endpointLostWhileServingThenBack() throws Exception {
    reg =
        RegistryFixture.s3(
            dir.resolve("reg"), proxy.freshSettings(), RegistryConfig.Upkeep.defaults());
    reg.awaitReady(Duration.ofSeconds(30));
    String m1 = reg.pushImage("b", "v1", "before");
    proxy.stop();
    // the first request after the loss finds out, the following ones are refused at once
    HttpResponse<byte[]> r = reg.send(reg.request("/v2/b/manifests/v1"));
    assertUnavailable(r);
    assertThat(reg.server.storageProblem()).isPresent();
    assertUnavailable(
        reg.putManifest("b", "v2", "application/vnd.oci.image.manifest.v1+json", new byte[] {'{'}));
    proxy.start();
    reg.awaitReady(Duration.ofSeconds(30));
    HttpResponse<byte[]> again = reg.send(reg.request("/v2/b/manifests/v1"));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(RegistryFixture.sha256(again.body())).isEqualTo(m1);
    reg.pushImage("b", "v2", "after");
    assertThat(reg.sendString(reg.request("/v2/b/tags/list")).body()).contains("v1", "v2");
  }
}
