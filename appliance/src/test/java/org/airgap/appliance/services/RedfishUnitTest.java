package org.airgap.appliance.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigException;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.config.RedfishSection;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.libvirt.LibvirtConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedfishUnitTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String MACHINES =
      "redfish:\n"
          + "  listen: [\"127.0.0.1:0\"]\n"
          + "  session-timeout: 60\n"
          + "  power-delay-ms: 0\n"
          + "  machines:\n"
          + "    - name: master-0\n"
          + "      mac: \"52:54:00:AA:BB:CC\"\n"
          + "    - name: worker-0\n"
          + "      uuid: 0b4ef4a3-6bd8-4f5e-9d1b-6bd2a8e5e0c1\n";

  static String yaml(Path dir, String redfish) {
    return TestSites.yaml(dir).replace("redfish: { listen: [\"127.0.0.1:0\"] }\n", redfish);
  }

  @Test
  void defaultsAreThreeDeterministicMachines() {
    RedfishSection d = RedfishSection.defaults();
    assertThat(d.machineList()).isEqualTo(Machine.defaults());
    assertThat(d.sessionTimeoutDuration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(d.powerDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(d.tls()).isTrue();
  }

  @Test
  void machinesFromYamlWithDerivedUuidAndMac(@TempDir Path dir) {
    AirgapConfig c = ConfigLoader.parse(yaml(dir, MACHINES), "t.yaml");
    List<Machine> ms = c.redfish().machineList();
    assertThat(ms).extracting(Machine::name).containsExactly("master-0", "worker-0");
    assertThat(ms.get(0).mac()).isEqualTo("52:54:00:aa:bb:cc");
    assertThat(ms.get(0).uuid()).isEqualTo(Machine.uuidFor("master-0"));
    assertThat(ms.get(1).mac()).isEqualTo(Machine.macFor(1));
    assertThat(ms.get(1).uuid().toString()).isEqualTo("0b4ef4a3-6bd8-4f5e-9d1b-6bd2a8e5e0c1");
    assertThat(c.redfish().sessionTimeoutDuration()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void badMachinesAreReportedByKeyPath(@TempDir Path dir) {
    String bad =
        "redfish:\n"
            + "  listen: [\"127.0.0.1:0\"]\n"
            + "  session-timeout: 5\n"
            + "  machines:\n"
            + "    - name: a\n"
            + "    - name: a\n"
            + "      mac: 52-54-00\n"
            + "    - name: local\n"
            + "      uuid: not-a-uuid\n"
            + "    - mac: \"52:54:00:00:00:01\"\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml(dir, bad), "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redfish.session-timeout")
        .hasMessageContaining("redfish.machines[1].name: 'a' is used by another machine")
        .hasMessageContaining("redfish.machines[1].mac")
        .hasMessageContaining("redfish.machines[2].name")
        .hasMessageContaining("redfish.machines[2].uuid")
        .hasMessageContaining("redfish.machines[3].name");
  }

  @Test
  void applianceServesTheConfiguredMachinesOverTlsToSiteUsers(@TempDir Path dir) throws Exception {
    Appliance a = new Appliance(ConfigLoader.parse(yaml(dir, MACHINES), "t.yaml"));
    a.start();
    try {
      assertThat(a.state("redfish")).isEqualTo(ServiceState.RUNNING);
      HttpClient http = TestSites.client(a.context().pki());
      String base = "https://localhost:" + a.service("redfish").addresses().get(0).getPort();
      assertThat(a.service("redfish").urls().get(0))
          .startsWith("https://")
          .endsWith("/redfish/v1/");
      String pw = Files.readString(dir.resolve("admin-password")).strip();

      HttpResponse<String> login =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/redfish/v1/SessionService/Sessions"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"UserName\":\"admin\",\"Password\":\"" + pw + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(201);
      String token = login.headers().firstValue("X-Auth-Token").orElseThrow();

      JsonNode systems =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/redfish/v1/Systems"))
                          .header("X-Auth-Token", token)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(systems.path("Members").findValuesAsText("@odata.id"))
          .containsExactly("/redfish/v1/Systems/master-0", "/redfish/v1/Systems/worker-0");

      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("admin:" + pw).getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> sys =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/redfish/v1/Systems/local/master-0"))
                  .header("Authorization", basic)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sys.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(sys.body()).path("UUID").asText())
          .isEqualTo(Machine.uuidFor("master-0").toString());
      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/redfish/v1/Systems"))
                  .header(
                      "Authorization",
                      "Basic "
                          + Base64.getEncoder()
                              .encodeToString("admin:x".getBytes(StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(a.service("redfish").counters()).containsKey("requests_2xx");
    } finally {
      a.close();
    }
  }

  static final String LIBVIRT =
      "redfish:\n"
          + "  listen: [\"127.0.0.1:0\"]\n"
          + "  driver: libvirt\n"
          + "  libvirt-uri: \"test:///default\"\n";

  @Test
  void libvirtKeysHaveDefaultsAndAreValidated(@TempDir Path dir) throws Exception {
    RedfishSection d = RedfishSection.defaults();
    assertThat(d.libvirtUri()).isEqualTo("qemu:///system");
    assertThat(d.mediaCaFile()).isNull();
    assertThat(d.mediaVerifyTls()).isTrue();
    String bad =
        "redfish:\n"
            + "  listen: [\"127.0.0.1:0\"]\n"
            + "  driver: libvirt\n"
            + "  libvirt-uri: system\n"
            + "  media-ca-file: "
            + dir.resolve("missing.pem")
            + "\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml(dir, bad), "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redfish.libvirt-uri: 'system' is not a libvirt connection URI")
        .hasMessageContaining("redfish.media-ca-file: cannot read");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    String both =
        "redfish:\n"
            + "  listen: [\"127.0.0.1:0\"]\n"
            + "  media-ca-file: "
            + ca
            + "\n"
            + "  media-verify-tls: false\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml(dir, both), "t.yaml"))
        .hasMessageContaining("redfish.media-ca-file: has no effect with media-verify-tls: false");
  }

  @Test
  void ownWebServerUrlsAreUsedInPlace(@TempDir Path dir) {
    String text =
        yaml(dir, LIBVIRT)
            .replace(
                "websrv: { listen: [\"127.0.0.1:0\"] }",
                "websrv: { listen: [\"[::]:8080\"], tls-listen: [\"[::1]:8443\"],"
                    + " advertise: \"images.example.com:80\", root: "
                    + dir.resolve("www")
                    + " }");
    AirgapConfig c = ConfigLoader.parse(text, "t.yaml");
    LibvirtConfig lc = RedfishUnit.libvirtConfig(c);
    assertThat(lc.uri()).isEqualTo("test:///default");
    assertThat(lc.mediaCache()).isEqualTo(dir.resolve("redfish"));
    assertThat(lc.localSources()).allMatch(s -> s.root().equals(dir.resolve("www")));
    assertThat(lc.localSources())
        .extracting(s -> s.base().toString())
        .containsExactly(
            "http://images.example.com:80/",
            "http://registry.example.com:8080/",
            "http://192.168.126.1:8080/",
            "http://[2620:52:0:1306::1]:8080/",
            "https://registry.example.com:8443/",
            "https://192.168.126.1:8443/",
            "https://[2620:52:0:1306::1]:8443/",
            "https://[::1]:8443/");
  }

  @Test
  void applianceListsTheLibvirtDomainsOverHttps(@TempDir Path dir) throws Exception {
    Appliance a = new Appliance(ConfigLoader.parse(yaml(dir, LIBVIRT), "t.yaml"));
    a.start();
    try {
      assertThat(a.state("redfish")).isEqualTo(ServiceState.RUNNING);
      assertThat(((RedfishUnit) a.service("redfish")).driver().orElseThrow().name())
          .isEqualTo("libvirt");
      assertThat(Files.getPosixFilePermissions(dir.resolve("redfish")))
          .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
      assertThat(Files.getPosixFilePermissions(dir)).contains(PosixFilePermission.OTHERS_EXECUTE);
      HttpClient http = TestSites.client(a.context().pki());
      String base = "https://localhost:" + a.service("redfish").addresses().get(0).getPort();
      String pw = Files.readString(dir.resolve("admin-password")).strip();
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("admin:" + pw).getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> systems =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/redfish/v1/Systems"))
                  .header("Authorization", basic)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(systems.statusCode()).isEqualTo(200);
      // test:///default comes with one running domain, "test"
      assertThat(JSON.readTree(systems.body()).path("Members").findValuesAsText("@odata.id"))
          .contains("/redfish/v1/Systems/test");
      HttpResponse<String> test =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/redfish/v1/Systems/local/test"))
                  .header("Authorization", basic)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(test.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(test.body()).path("PowerState").asText()).isEqualTo("On");
    } finally {
      a.close();
    }
  }
}
