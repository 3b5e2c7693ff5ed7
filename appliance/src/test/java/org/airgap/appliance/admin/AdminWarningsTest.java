package org.airgap.appliance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.pki.Pki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status API warns about a certificate within 30 days of expiry (the console's banner). */
class AdminWarningsTest {

  @Test
  void aCertificateNearExpiryIsAWarning(@TempDir Path dir) throws Exception {
    // a user-supplied registry certificate that ends in about ten days
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(397 - 10)), ZoneOffset.UTC);
    Pki own = new Pki(dir.resolve("own-pki"), "own.example", past).init();
    own.ensure("registry", Pki.Sans.of(List.of("registry.example.com"), List.of()));
    Path crt = dir.resolve("registry.crt");
    Path key = dir.resolve("registry.key");
    Files.copy(own.certFile("registry"), crt);
    Files.copy(own.keyFile("registry"), key);
    String yaml =
        TestSites.yaml(dir.resolve("var"))
            + "certificates:\n  registry: { cert: "
            + crt
            + ", key: "
            + key
            + " }\n";
    try (Appliance a = new Appliance(ConfigLoader.parse(yaml, "a.yaml"))) {
      a.start();
      String admin = a.service("admin").urls().get(0);
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(admin + "api/status")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      JsonNode status = new ObjectMapper().readTree(body);
      assertThat(status.path("warnings").toString())
          .as(body)
          .contains("certificate registry expires");
      JsonNode registry = null;
      for (JsonNode c : status.path("certificates")) {
        if (c.path("name").asText().equals("registry")) {
          registry = c;
        }
      }
      assertThat(registry).isNotNull();
      assertThat(registry.path("daysLeft").asLong()).isBetween(8L, 10L);
      // the generated redfish certificate is fresh: no warning for it
      assertThat(status.path("warnings").toString()).doesNotContain("certificate redfish");
    }
  }
}
