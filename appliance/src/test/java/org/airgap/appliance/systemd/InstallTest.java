package org.airgap.appliance.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemd/install.sh --root TMP} lays out a tree that {@code systemd-analyze verify --root
 * TMP} accepts without a warning, and {@code --uninstall} removes it again but keeps data.
 */
class InstallTest {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void installedUnitVerifiesAndUninstallKeepsData(@TempDir Path root) throws Exception {
    // the host's own units and kill(1), as on the target system
    Path units = root.resolve("usr/lib/systemd");
    Files.createDirectories(units);
    run(List.of("cp", "-a", "/usr/lib/systemd/system", units.toString()));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.copy(Path.of("/usr/bin/kill"), root.resolve("usr/bin/kill"));
    Path jar = root.getParent().resolve("fake-airgap.jar");
    Files.writeString(jar, "not really a jar");

    String out =
        run(
            List.of(
                REPO.resolve("systemd/install.sh").toString(),
                "--root",
                root.toString(),
                "--jar",
                jar.toString()));
    assertThat(out).contains("laid out under " + root);
    for (String f :
        List.of(
            "usr/lib/airgap/airgap.jar",
            "usr/bin/airgap",
            "usr/lib/systemd/system/airgap.service",
            "usr/lib/sysusers.d/airgap.conf",
            "usr/lib/tmpfiles.d/airgap.conf",
            "etc/airgap/airgap.yaml")) {
      assertThat(root.resolve(f)).as(f).exists();
    }
    assertThat(Files.isExecutable(root.resolve("usr/bin/airgap"))).isTrue();
    assertThat(Files.readString(root.resolve("etc/airgap/airgap.yaml")))
        .contains("data-dir: /var/lib/airgap");
    assertThat(Files.readString(root.resolve("etc/passwd"))).contains("airgap:x:");
    assertThat(root.resolve("var/lib/airgap/redfish")).isDirectory();

    String unit = root.resolve("usr/lib/systemd/system/airgap.service").toString();
    String verify = run(List.of("systemd-analyze", "verify", "--root=" + root, unit));
    assertThat(verify).as("systemd-analyze warnings").isBlank();
    String unitText = Files.readString(Path.of(unit));
    assertThat(unitText)
        .contains(
            "Type=notify",
            "User=airgap",
            "SupplementaryGroups=libvirt",
            "AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW",
            "ProtectSystem=strict",
            "ReadWritePaths=/var/lib/airgap",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "ProtectHome=yes",
            "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET",
            "-Xmx",
            "ExecReload=/usr/bin/kill -HUP $MAINPID");

    // the verifier does catch a broken unit: a missing ExecStart binary fails it
    Files.delete(root.resolve("usr/bin/airgap"));
    assertThat(exit(List.of("systemd-analyze", "verify", "--root=" + root, unit))).isNotZero();
    Files.writeString(root.resolve("usr/bin/airgap"), "#!/bin/sh\n");

    Files.createDirectories(root.resolve("var/lib/airgap/registry"));
    Files.writeString(root.resolve("var/lib/airgap/htpasswd"), "x:y\n");
    run(
        List.of(
            REPO.resolve("systemd/install.sh").toString(),
            "--root",
            root.toString(),
            "--uninstall"));
    assertThat(root.resolve("usr/lib/airgap/airgap.jar")).doesNotExist();
    assertThat(root.resolve("usr/lib/systemd/system/airgap.service")).doesNotExist();
    assertThat(root.resolve("usr/bin/airgap")).doesNotExist();
    assertThat(root.resolve("var/lib/airgap/htpasswd")).exists();
    assertThat(root.resolve("etc/airgap/airgap.yaml")).exists();
  }

  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(cmd + ": " + out).isZero();
    return out;
  }

  static int exit(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
