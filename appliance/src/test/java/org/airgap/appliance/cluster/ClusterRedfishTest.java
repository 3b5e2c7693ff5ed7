package org.airgap.appliance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the rendered BareMetalHosts say is what the appliance's Redfish facade answers: Debian's
 * python3-sushy (the library Ironic uses) takes a worker's {@code bmc.address} path and the
 * credentials of the Secret the BMH names, finds the system with the worker's UUID and powers it
 * on; a wrong password is refused. CI installs python3-sushy (.ci/packages/redfish.txt).
 */
class ClusterRedfishTest {
  static final String SUSHY =
      String.join(
          "\n",
          "import json, sys, time",
          "import sushy",
          "base, user, password, path, ca = sys.argv[1:6]",
          "conn = sushy.Sushy(base + '/redfish/v1', username=user, password=password, verify=ca)",
          "system = conn.get_system(path)",
          "system.reset_system(sushy.RESET_ON)",
          "deadline = time.monotonic() + 30",
          "while conn.get_system(path).power_state != sushy.POWER_STATE_ON:",
          "    if time.monotonic() > deadline: raise RuntimeError('not on')",
          "    time.sleep(0.05)",
          "print(json.dumps({'id': system.identity, 'uuid': system.uuid,"
              + " 'power': str(conn.get_system(path).power_state)}))",
          "");

  record Run(int exit, String out) {}

  /** Runs the script trusting the site CA (requests' CA variables would override it: unset). */
  static Run sushy(String base, String user, String password, String path, Path ca)
      throws Exception {
    ProcessBuilder b =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-W",
                "ignore::Warning",
                "-c",
                SUSHY,
                base,
                user,
                password,
                path,
                ca.toString())
            .redirectErrorStream(true);
    b.environment().remove("REQUESTS_CA_BUNDLE");
    b.environment().remove("CURL_CA_BUNDLE");
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void sushyReachesEachWorkerWithItsBmhAddressAndSecret(@TempDir Path dir) throws Exception {
    ClusterRendererTest.site(dir, "dual");
    String yaml = ClusterRendererTest.spec(dir, "dual") + TestSites.LOOPBACK;
    AirgapConfig cfg = ConfigLoader.parse(yaml, "airgap.yaml");
    var files = new ClusterRenderer(cfg, SiteFacts.gather(cfg)).render();
    List<ObjectNode> workers =
        new ClusterApplier(null, files, null, null, null).objects(ClusterApplier.Phase.WORKERS);
    try (Appliance a = new Appliance(cfg)) {
      a.start();
      Path ca = a.context().pki().caFile();
      String base = "https://127.0.0.1:" + a.service("redfish").addresses().get(0).getPort();
      int seen = 0;
      for (ObjectNode bmh : workers) {
        if (!bmh.path("kind").asText().equals("BareMetalHost")) {
          continue;
        }
        String name = bmh.path("metadata").path("name").asText();
        URI address = URI.create(bmh.path("spec").path("bmc").path("address").asText());
        assertThat(address.getScheme()).isEqualTo("redfish-virtualmedia");
        String secretName = bmh.path("spec").path("bmc").path("credentialsName").asText();
        JsonNode data =
            workers.stream()
                .filter(o -> o.path("kind").asText().equals("Secret"))
                .filter(o -> o.path("metadata").path("name").asText().equals(secretName))
                .findFirst()
                .orElseThrow()
                .path("data");
        String user = decode(data.path("username").asText());
        String password = decode(data.path("password").asText());

        Run r = sushy(base, user, password, address.getPath(), ca);
        assertThat(r.exit()).as(r.out()).isZero();
        JsonNode got =
            new ObjectMapper().readTree(r.out().strip().lines().reduce((x, y) -> y).orElse(""));
        assertThat(got.path("uuid").asText())
            .isEqualTo(Machines.uuid("dns.base.domain.name", name));
        assertThat(got.path("id").asText()).isEqualTo(name);
        assertThat(got.path("power").asText()).containsIgnoringCase("on");
        seen++;
      }
      assertThat(seen).isEqualTo(3);

      String path =
          URI.create(
                  workers.stream()
                      .filter(o -> o.path("kind").asText().equals("BareMetalHost"))
                      .findFirst()
                      .orElseThrow()
                      .path("spec")
                      .path("bmc")
                      .path("address")
                      .asText())
              .getPath();
      Run wrong = sushy(base, "airgap-bmc", "not-the-password", path, ca);
      assertThat(wrong.exit()).isNotZero();
      assertThat(wrong.out()).containsPattern("401|AccessError|Unauthorized");
    }
  }

  static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }
}
