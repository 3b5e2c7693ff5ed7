package org.airgap.appliance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preflight against the running appliance: what it serves passes, what is missing fails. */
class PreflightTest {

  @Test
  void provesWhatTheSiteServesAndNamesWhatIsMissing(@TempDir Path dir) throws Exception {
    ClusterRendererTest.site(dir, "dual");
    // no redfish.machines: the site spec's workers reach the memory BMC by themselves
    String yaml = ClusterRendererTest.spec(dir, "dual") + TestSites.LOOPBACK;
    AirgapConfig cfg = ConfigLoader.parse(yaml, "airgap.yaml");
    try (Appliance a = new Appliance(cfg)) {
      a.start();
      Preflight.Endpoints at =
          new Preflight.Endpoints(
              a.service("registry").addresses().get(0),
              a.service("websrv").addresses().get(0),
              a.service("dns").addresses().get(0),
              a.service("redfish").addresses().get(0));
      List<Preflight.Check> checks =
          new Preflight(
                  cfg,
                  at,
                  SiteFacts.gather(cfg),
                  Optional.empty(),
                  TestSites.client(a.context().pki()))
              .run();
      String report = String.join("\n", checks.stream().map(Preflight.Check::toString).toList());
      assertThat(report)
          .contains("OK    dns api.hosted-dual.dns.base.domain.name.")
          .contains("OK    dns preflight.apps.hosted-dual.dns.base.domain.name. → 192.168.126.11")
          .contains("OK    bmc hosted-dual-worker0")
          .contains("OK    bmc hosted-dual-worker2")
          .contains("OK    certificate registry   covers registry.dns.base.domain.name")
          .contains("OK    pull secret")
          .contains("OK    rhcos rhcos-418.94.202501221327-0-live.x86_64.iso")
          .contains("OK    release")
          // the fake release's hypershift component is not mirrored: preflight says so
          .contains("FAIL  hypershift image")
          .contains("(the release's hypershift component) is not in airgap's registry")
          .contains("FAIL  hub                    cluster.hub.kubeconfig is not set");
      assertThat(Preflight.passed(checks)).isFalse();
    }
  }
}
