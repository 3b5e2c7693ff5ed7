package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real registry on port 0 per test, and helpers to read its answers. */
abstract class ApiTestBase {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpRequest.BodyPublisher NONE = HttpRequest.BodyPublishers.noBody();
  @TempDir Path dir;
  RegistryFixture reg;

  @BeforeEach
  void startRegistry() throws Exception {
    reg = RegistryFixture.plain(dir);
  }

  @AfterEach
  void stopRegistry() {
    reg.close();
  }

  /** Asserts the status and the OCI error code of an error response. */
  static JsonNode assertError(HttpResponse<byte[]> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as("status of %s", new String(r.body())).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonNode root = JSON.readTree(r.body());
    JsonNode e = root.path("errors").path(0);
    assertThat(e.path("code").asText()).as("code in %s", root).isEqualTo(code);
    assertThat(e.path("message").asText()).isNotEmpty();
    assertThat(e.has("detail")).isTrue();
    return e;
  }

  static String header(HttpResponse<?> r, String name) {
    return r.headers()
        .firstValue(name)
        .orElseThrow(() -> new AssertionError("no " + name + " header"));
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }
}
