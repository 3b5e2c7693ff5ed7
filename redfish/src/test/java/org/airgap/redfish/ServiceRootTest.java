package org.airgap.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceRootTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void serviceRootAndVersionsWithoutAuthOnIpv4AndIpv6() throws Exception {
    RedfishConfig config =
        new RedfishConfig(
            List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                new InetSocketAddress(InetAddress.getByName("::1"), 0)),
            Optional.empty(),
            "memory");
    try (RedfishServer server = new RedfishServer(config, (u, p) -> false)) {
      server.start();
      HttpClient http = HttpClient.newHttpClient();
      for (InetSocketAddress a : server.addresses()) {
        assertThat(a.getPort()).isPositive();
        String base = "http://" + hostPort(a);
        HttpResponse<String> root =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/redfish/v1/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("OData-Version")).hasValue("4.0");
        assertThat(root.headers().firstValue("ETag")).isPresent();
        JsonNode n = JSON.readTree(root.body());
        assertThat(n.path("@odata.id").asText()).isEqualTo("/redfish/v1/");
        assertThat(n.path("Links").path("Sessions").path("@odata.id").asText())
            .isEqualTo("/redfish/v1/SessionService/Sessions");
        HttpResponse<String> versions =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/redfish")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(versions.body()).path("v1").asText()).isEqualTo("/redfish/v1/");
      }
      assertThat(server.counters()).containsEntry("requests_2xx", 4L);
      server.close();
      server.close();
    }
  }

  @Test
  void bindFailureNamesTheAddress() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      RedfishConfig config =
          new RedfishConfig(
              List.of(
                  new InetSocketAddress(InetAddress.getByName("127.0.0.1"), taken.getLocalPort())),
              Optional.empty(),
              "memory");
      try (RedfishServer server = new RedfishServer(config, (u, p) -> false)) {
        assertThatThrownBy(server::start).hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
      }
    }
  }

  static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }
}
