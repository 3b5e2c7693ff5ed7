package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code airgap dhcp leases} reads the lease log the server writes. */
class DhcpCommandTest {
  @TempDir Path dir;

  @Test
  void listsLiveLeasesWithNameAndExpiry() throws Exception {
    long soon = Instant.now().getEpochSecond() + 3600;
    long past = Instant.now().getEpochSecond() - 10;
    Files.createDirectories(dir.resolve("var/dhcp"));
    Files.writeString(
        dir.resolve("var/dhcp/leases4.log"),
        "L 52:54:00:aa:10:01 192.168.126.20 "
            + soon
            + " ocp-master-0\n"
            + "L 52:54:00:aa:10:02 192.168.126.101 "
            + soon
            + " -\n"
            + "L 52:54:00:aa:10:03 192.168.126.102 "
            + past
            + " gone\n"
            + "L 52:54:00:aa:10:04 192.168.126.103 "
            + soon
            + " freed\n"
            + "F 52:54:00:aa:10:04 192.168.126.103\n");
    Path cfg = dir.resolve("airgap.yaml");
    Files.writeString(cfg, "data-dir: " + dir.resolve("var") + "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true));
    int rc;
    try {
      rc = new CommandLine(new DhcpCommand()).execute("leases", "--config", cfg.toString());
    } finally {
      System.setOut(old);
    }
    assertThat(rc).isZero();
    String text = out.toString();
    assertThat(text.lines().toList()).hasSize(3).first().asString().startsWith("MAC");
    assertThat(text)
        .contains("52:54:00:aa:10:01  192.168.126.20   ocp-master-0")
        .contains("52:54:00:aa:10:02  192.168.126.101  -")
        .doesNotContain("gone")
        .doesNotContain("freed");
  }
}
