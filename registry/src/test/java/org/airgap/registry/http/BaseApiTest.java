package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.RegistryConfig;
import org.airgap.registry.RegistryFixture;
import org.airgap.registry.RegistryServer;
import org.airgap.registry.auth.Htpasswd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** end-1 and the parts every request shares: auth, errors, unknown routes, lifecycle. */
class BaseApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  RegistryFixture reg;

  @BeforeEach
  void start() throws Exception {
    reg = RegistryFixture.plain(dir);
  }

  @AfterEach
  void stop() {
    reg.close();
  }

  static JsonNode firstError(HttpResponse<byte[]> r) throws Exception {
    JsonNode root = JSON.readTree(r.body());
    assertThat(root.path("errors").isArray())
        .as("errors array in %s", new String(r.body()))
        .isTrue();
    JsonNode e = root.path("errors").get(0);
    assertThat(e.has("message")).isTrue();
    assertThat(e.has("detail")).isTrue();
    return e;
  }

  @Test
  void baseWithCredentialsIs200WithApiVersion() throws Exception {
    HttpResponse<byte[]> r = reg.send(reg.request("/v2/"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
  }

  @Test
  void baseWithoutCredentialsIsChallenged() throws Exception {
    HttpResponse<byte[]> r =
        reg.send(HttpRequest.newBuilder(java.net.URI.create(reg.base + "/v2/")));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"" + RegistryServer.REALM + "\"");
    assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    assertThat(firstError(r).path("code").asText()).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void wrongPasswordUnknownUserAndGarbageHeaderAre401() throws Exception {
    for (String h :
        List.of(
            RegistryFixture.basic(RegistryFixture.USER, "wrong"),
            RegistryFixture.basic("nobody", RegistryFixture.PASSWORD),
            "Basic !!!notbase64",
            "Bearer abc")) {
      HttpResponse<byte[]> r = reg.send(reg.request("/v2/").setHeader("Authorization", h));
      assertThat(r.statusCode()).as(h).isEqualTo(401);
      assertThat(firstError(r).path("code").asText()).isEqualTo("UNAUTHORIZED");
    }
    assertThat(reg.server.counters().get("auth_failures")).isGreaterThanOrEqualTo(3L);
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() throws Exception {
    HttpResponse<byte[]> r = reg.send(reg.request("/v2/foo/bar"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(firstError(r).path("code").asText()).isEqualTo("NOT_FOUND");
    r = reg.send(reg.request("/v2/").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(firstError(r).path("code").asText()).isEqualTo("UNSUPPORTED");
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void countersCountRequests() throws Exception {
    reg.send(reg.request("/v2/"));
    reg.send(reg.request("/v2/"));
    assertThat(reg.server.counters().get("requests")).isGreaterThanOrEqualTo(1L);
    assertThat(reg.server.counters()).containsKeys("bytes_in", "bytes_out", "blob_uploads");
  }

  @Test
  void startOnABusyPortNamesTheAddress() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      RegistryServer s =
          new RegistryServer(
              new RegistryConfig(
                  List.of(
                      new InetSocketAddress(InetAddress.getLoopbackAddress(), busy.getLocalPort())),
                  Optional.empty(),
                  dir.resolve("other"),
                  false),
              new Htpasswd(reg.htpasswd));
      assertThatThrownBy(s::start)
          .isInstanceOf(RuntimeException.class)
          .hasMessageContaining("127.0.0.1:" + busy.getLocalPort());
      s.close();
      s.close(); // idempotent
    }
  }
}
