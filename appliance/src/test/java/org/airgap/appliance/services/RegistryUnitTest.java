package org.airgap.appliance.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.config.Urls;
import org.airgap.appliance.pki.Pki;
import org.airgap.registry.auth.Htpasswd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry wired from {@code registry:}: TLS from the site PKI, the appliance's users. */
class RegistryUnitTest {
  @TempDir Path dir;

  static String basic(String user, String pw) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void servesV2OverSiteTlsWithTheAppliancesUsers() throws Exception {
    AirgapConfig cfg =
        ConfigLoader.parse(
            "data-dir: "
                + dir
                + "\nsite:\n  hostnames: [registry.example.com]\n"
                + "registry: { listen: [\"127.0.0.1:0\"] }\n",
            "test.yaml");
    Pki pki = new Pki(cfg.dataDir().resolve("pki"), "example.com").init();
    pki.ensure(
        "registry", Pki.Sans.of(List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1"))));
    Htpasswd.put(cfg.htpasswd(), "ops", "pw-1");
    RegistryUnit unit =
        new RegistryUnit(
            new ApplianceContext(
                cfg,
                pki,
                new Htpasswd(cfg.htpasswd()),
                new Urls(cfg.site()),
                new org.airgap.dns.MutableRecordSource()));
    try {
      unit.start();
      int port = unit.addresses().get(0).getPort();
      assertThat(port).isPositive();
      assertThat(unit.urls()).containsExactly("https://registry.example.com:" + port + "/v2/");
      assertThat(unit.hostPort()).isEqualTo("registry.example.com:" + port);
      HttpClient client = TestSites.client(pki);
      URI v2 = URI.create("https://127.0.0.1:" + port + "/v2/");
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(v2).header("Authorization", basic("ops", "pw-1")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Docker-Distribution-API-Version"))
          .hasValue("registry/2.0");
      r = client.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(h -> assertThat(h).startsWith("Basic realm="));
      // 'airgap user add' while serving: no restart needed
      Htpasswd.put(cfg.htpasswd(), "late", "pw-2");
      r =
          client.send(
              HttpRequest.newBuilder(v2).header("Authorization", basic("late", "pw-2")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(unit.counters()).containsKey("requests");
      assertThat(cfg.dataDir().resolve("registry")).isDirectory();
    } finally {
      unit.close();
      unit.close();
    }
  }
}
