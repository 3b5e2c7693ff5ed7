package org.airgap.appliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.airgap.appliance.config.ConfigException;
import org.airgap.appliance.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code registry.storage.driver: s3} with an endpoint that does not answer: airgap starts, {@code
 * /readyz} says the registry is not ready and why, and registry requests get 503 {@code
 * UNAVAILABLE}. (Recovery and the bucket's contents: the registry's S3 tests against s3proxy.)
 */
class RegistryS3ReadinessTest {

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort(); // closed again: connections are refused
    }
  }

  private static String s3Yaml(Path dir, String endpoint, String credentials) {
    return TestSites.yaml(dir)
        .replace(
            "registry: { listen: [\"127.0.0.1:0\", \"[::1]:0\"] }\n",
            "registry:\n"
                + "  listen: [\"127.0.0.1:0\"]\n"
                + "  storage:\n"
                + "    driver: s3\n"
                + "    s3:\n"
                + "      endpoint: "
                + endpoint
                + "\n"
                + "      bucket: airgap-registry\n"
                + "      prefix: site1/\n"
                + credentials);
  }

  @Test
  void endpointDownAtStartStartsNotReadyWith503s(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("s3-secret");
    Files.writeString(secret, "not-a-real-secret\n");
    String yaml =
        s3Yaml(
            dir,
            "http://127.0.0.1:" + closedPort(),
            "      access-key-id: AKIATEST\n      secret-key-file: " + secret + "\n");
    try (Appliance a = new Appliance(ConfigLoader.parse(yaml, "s3.yaml"))) {
      a.start();
      HttpClient http = TestSites.client(a.context().pki());
      String admin = a.service("admin").urls().get(0);
      HttpResponse<String> ready = null;
      for (int i = 0; i < 100; i++) {
        ready =
            http.send(
                HttpRequest.newBuilder(URI.create(admin + "readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.body().contains("unreachable")) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("registry running, not ready: S3 endpoint");
      assertThat(a.ready()).isFalse();
      String pw = Files.readString(dir.resolve("admin-password")).strip();
      int port = a.service("registry").addresses().get(0).getPort();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v2/_catalog"))
                  .header(
                      "Authorization",
                      "Basic " + Base64.getEncoder().encodeToString(("admin:" + pw).getBytes()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).contains("\"UNAVAILABLE\"", "registry storage unavailable");
    }
  }

  @Test
  void credentialsFileIniFormIsRead(@TempDir Path dir) throws Exception {
    Path ini = dir.resolve("credentials");
    Files.writeString(
        ini, "[default]\naws_access_key_id = AKIAINI\naws_secret_access_key = from-ini\n");
    var cfg =
        ConfigLoader.parse(
            s3Yaml(dir, "https://rgw.example:8443", "      credentials-file: " + ini + "\n"),
            "s3.yaml");
    var s = cfg.registry().s3Settings().orElseThrow();
    assertThat(s.accessKeyId()).isEqualTo("AKIAINI");
    assertThat(s.secretKey()).isEqualTo("from-ini");
    assertThat(s.prefix()).isEqualTo("site1/");
    assertThat(s.region()).isEqualTo("us-east-1");
  }

  @Test
  void badStorageSettingsAreConfigErrors(@TempDir Path dir) {
    assertThatThrownBy(
            () -> ConfigLoader.parse("registry:\n  storage:\n    driver: swift\n", "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("registry.storage.driver: unknown driver 'swift'");
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    s3Yaml(dir, "https://rgw.example", "      access-key-id: AKIA\n"), "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("credentials missing");
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    s3Yaml(
                        dir,
                        "https://rgw.example",
                        "      access-key-id: AKIA\n      secret-key-file: "
                            + dir.resolve("absent")
                            + "\n"),
                    "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("absent");
  }
}
