package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code airgap verify} names every file of the config that the service user cannot read, checked
 * as that user (root in CI checks as {@code nobody}): a 0600 file of root's, a file in a folder the
 * user cannot enter; a file readable through its group passes. The files live in a folder of the
 * test's own under /tmp that {@code nobody} may enter (JUnit's temp folders are 0700).
 */
class VerifyCommandTest {
  Path base;
  Path etc;
  Path config;
  String group;

  @BeforeEach
  void files() throws Exception {
    base = Files.createTempDirectory("airgap-verify");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    etc = Files.createDirectories(base.resolve("etc"));
    Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path priv = Files.createDirectories(base.resolve("private"));
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rwx------"));
    group =
        new String(
                new ProcessBuilder("id", "-gn", "nobody").start().getInputStream().readAllBytes())
            .strip();
    file(etc.resolve("pull-secret.json"), "{\"auths\":{}}", "rw-------", false);
    file(etc.resolve("id_rsa.pub"), "ssh-ed25519 AAAA ops@bastion\n", "rw-r--r--", false);
    file(etc.resolve("hub.kubeconfig"), "apiVersion: v1\n", "rw-r-----", true);
    file(etc.resolve("bmc0"), "admin:pw\n", "rw-r-----", false);
    file(priv.resolve("bmc1"), "admin:pw\n", "rw-r--r--", false);
    config =
        Files.writeString(
            base.resolve("airgap.yaml"),
            "data-dir: "
                + base.resolve("var")
                + "\n"
                + "cluster:\n"
                + "  pull-secret: "
                + etc.resolve("pull-secret.json")
                + "\n"
                + "  ssh-key: "
                + etc.resolve("id_rsa.pub")
                + "\n"
                + "  release: 4.18.1\n"
                + "  hub: { kubeconfig: "
                + etc.resolve("hub.kubeconfig")
                + ", node-address: 192.168.126.20 }\n"
                + "  hosted:\n"
                + "    - name: hosted-dual\n"
                + "      api: 192.168.126.10\n"
                + "      workers:\n"
                + "        - { name: w0, mac: \"52:54:00:aa:00:01\", bmc-secret: "
                + etc.resolve("bmc0")
                + " }\n"
                + "        - { name: w1, mac: \"52:54:00:aa:00:02\", bmc-secret: "
                + priv.resolve("bmc1")
                + " }\n");
  }

  void file(Path p, String text, String mode, boolean userGroup) throws IOException {
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    if (userGroup) {
      GroupPrincipal g =
          p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
      Files.setAttribute(p, "posix:group", g);
    }
  }

  @AfterEach
  void clean() throws IOException {
    try (Stream<Path> s = Files.walk(base)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void namesEveryFileTheServiceUserCannotRead() throws Exception {
    CliTest.Run r = CliTest.run("", "verify", config.toString(), "--as-user", "nobody");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    String who = "the service user nobody:" + group + " (--as-user)";
    assertThat(r.err())
        .contains(
            config
                + ":3:3: cluster.pull-secret: "
                + etc.resolve("pull-secret.json")
                + " is not readable by "
                + who
                + " (hint: chgrp "
                + group)
        .containsPattern(
            "airgap.yaml:\\d+:\\d+: cluster.hosted\\[0].workers\\[0].bmc-secret: .*bmc0 is not"
                + " readable")
        .containsPattern(
            "airgap.yaml:\\d+:\\d+: cluster.hosted\\[0].workers\\[1].bmc-secret: .*private/bmc1"
                + " is not readable")
        .doesNotContain("cluster.ssh-key")
        .doesNotContain("cluster.hub.kubeconfig"); // readable through its group
    assertThat(r.err().lines().filter(l -> l.contains(" is not readable by "))).hasSize(3);
  }

  @Test
  void theUnitsUserIsTheDefaultAndFixedFilesPass() throws Exception {
    Path unit =
        Files.writeString(
            base.resolve("airgap.service"),
            "[Service]\nUser=nobody\nGroup=" + group + "\nSupplementaryGroups=\n");
    CliTest.Run r = CliTest.run("", "verify", config.toString(), "--unit", unit.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err())
        .contains("cluster.pull-secret: ")
        .contains("is not readable by the service user nobody:" + group + " (" + unit + ")");

    // what the hints say: the group may read, the folder may be entered
    file(etc.resolve("pull-secret.json"), "{\"auths\":{}}", "rw-r-----", true);
    file(etc.resolve("bmc0"), "admin:pw\n", "rw-r-----", true);
    Files.setPosixFilePermissions(
        base.resolve("private"), PosixFilePermissions.fromString("rwx--x--x"));
    CliTest.Run ok = CliTest.run("", "verify", config.toString(), "--unit", unit.toString());
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out())
        .contains(config + ": OK (every file it names is readable by nobody, " + unit + ")");

    CliTest.Run none = CliTest.run("", "verify", config.toString(), "--as-user", "no-such-user-x");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains("the service user no-such-user-x (--as-user) does not exist");
  }
}
