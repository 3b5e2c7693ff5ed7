package org.airgap.appliance.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.airgap.appliance.Main;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {

  @Test
  void aPortHeldByAnotherProcessBlocks(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String yaml =
          TestSites.yaml(dir.resolve("var"))
              .replace(
                  "websrv: { listen: [\"127.0.0.1:0\"] }",
                  "websrv: { listen: [\"127.0.0.1:" + taken.getLocalPort() + "\"] }")
              .replace(
                  "redfish: { listen: [\"127.0.0.1:0\"] }",
                  "redfish: { listen: [\"127.0.0.1:0\"], driver: libvirt }");
      List<Doctor.Check> checks = new Doctor(ConfigLoader.parse(yaml, "a.yaml")).run();
      assertThat(Doctor.blocks(checks)).isTrue();
      assertThat(checks)
          .anySatisfy(
              c -> {
                assertThat(c.status()).isEqualTo(Doctor.Status.FAIL);
                assertThat(c.detail())
                    .isEqualTo(
                        "websrv 127.0.0.1:"
                            + taken.getLocalPort()
                            + "/tcp is held by another process");
                assertThat(c.fix()).contains("websrv.listen");
              });
      assertThat(checks).anySatisfy(c -> assertThat(c.area()).isEqualTo("disk"));
      assertThat(checks).anySatisfy(c -> assertThat(c.area()).isEqualTo("clock"));
      assertThat(checks).anySatisfy(c -> assertThat(c.area()).isEqualTo("libvirt"));
      assertThat(checks).anySatisfy(c -> assertThat(c.area()).isEqualTo("kvm"));
    }
  }

  @Test
  void aHealthyDevConfigDoesNotBlock(@TempDir Path dir) {
    List<Doctor.Check> checks = new Doctor(TestSites.config(dir.resolve("var"))).run();
    assertThat(checks).noneMatch(c -> c.status() == Doctor.Status.FAIL && !c.area().equals("disk"));
  }

  /** A low port without CAP_NET_BIND_SERVICE: the real daemon's bounding set lacks it. */
  @Test
  void aMissingCapabilityIsReported(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("a.yaml");
    Files.writeString(
        cfg,
        TestSites.yaml(dir.resolve("var"))
            .replace(
                "dns: { listen: [\"127.0.0.1:0\"] }", "dns: { listen: [\"127.0.0.1:1021\"] }"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                "setpriv",
                "--bounding-set",
                "-net_bind_service",
                "--inh-caps",
                "-all",
                "--",
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "doctor",
                "--config",
                cfg.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out)
        .contains("FAIL  capability   CAP_NET_BIND_SERVICE missing (needed for ports below 1024)")
        .contains("dns 127.0.0.1:1021/tcp cannot be bound")
        .contains("something blocks airgap");
  }
}
