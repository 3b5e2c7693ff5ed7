package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.airgap.redfish.driver.Machine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import picocli.CommandLine;

/**
 * {@code airgap vm create|list} on libvirt's in-process {@code test:///default} hypervisor. Its
 * state lives while a connection is open, so the test holds one and reads back what the commands
 * made.
 */
class VmCommandTest {
  static final String URI = "test:///default";
  @TempDir Path dir;
  private Connect conn;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void open() throws LibvirtException {
    conn = new Connect(URI, false);
  }

  @AfterEach
  void release() throws LibvirtException {
    for (String name : new String[] {"vm-a", "vm-b", "vm-c"}) {
      for (Domain d : conn.listAllDomains(0)) {
        if (d.getName().equals(name)) {
          if (d.isActive() == 1) {
            d.destroy();
          }
          d.undefine();
        }
        d.free();
      }
    }
    for (String v : conn.storagePoolLookupByName("default-pool").listVolumes()) {
      conn.storageVolLookupByPath("/default-pool/" + v).delete(0);
    }
    conn.close();
  }

  Path config(String hostname) throws Exception {
    return Files.writeString(
        dir.resolve("airgap.yaml"),
        "data-dir: "
            + dir.resolve("var")
            + "\n"
            + "site:\n"
            + "  domain: example.com\n"
            + "  hostname: \""
            + hostname
            + "\"\n"
            + "redfish:\n"
            + "  listen: [\"[::]:9000\"]\n"
            + "  libvirt-uri: \""
            + URI
            + "\"\n");
  }

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new VmCommand()).execute(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void createDefinesStartsAndAlwaysHasAnEmptyCdDrive() throws Exception {
    Path cfg = config("registry.example.com");
    UUID uuid = UUID.fromString("0b4ef4a3-6bd8-4f5e-9d1b-6bd2a8e5e0c1");
    Run r =
        run(
            "create",
            "vm-a",
            "-c",
            cfg.toString(),
            "--mac",
            "52:54:00:AA:00:01",
            "--uuid",
            uuid.toString(),
            "--memory",
            "2G",
            "--cpus",
            "2",
            "--disk",
            "10",
            "--pool",
            "default-pool",
            "--network",
            "default",
            "--uefi",
            "--domain-type",
            "qemu");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("started vm-a: uuid " + uuid + ", mac 52:54:00:aa:00:01")
        .contains(
            "bmc: redfish-virtualmedia://registry.example.com:9000/redfish/v1/Systems/" + uuid);

    Domain d = conn.domainLookupByName("vm-a");
    assertThat(d.getInfo().state).isEqualTo(DomainInfo.DomainState.VIR_DOMAIN_RUNNING);
    assertThat(d.getUUIDString()).isEqualTo(uuid.toString());
    assertThat(d.getInfo().nrVirtCpu).isEqualTo(2);
    assertThat(d.getMaxMemory()).isEqualTo(2L * 1024 * 1024); // KiB
    String xml = d.getXMLDesc(0);
    assertThat(xml)
        .contains("type='qemu'")
        .contains("firmware='efi'")
        .contains("<source network='default'/>")
        .contains("<mac address='52:54:00:aa:00:01'/>")
        .contains("<source file='/default-pool/vm-a.qcow2'/>")
        .containsPattern("(?s)<disk type='file' device='cdrom'>\\s*<driver[^>]*/>\\s*<target");
    assertThat(conn.storageVolLookupByPath("/default-pool/vm-a.qcow2").getInfo().capacity)
        .isEqualTo(10L << 30);
    d.free();
  }

  @Test
  void noStartOnlyDefinesAndDefaultsComeFromTheName() throws Exception {
    Run r = run("create", "vm-b", "-c", config("registry.example.com").toString(), "--no-start");
    assertThat(r.code()).as(r.err()).isZero();
    UUID uuid = Machine.uuidFor("vm-b");
    assertThat(r.out()).contains("defined vm-b: uuid " + uuid);
    Domain d = conn.domainLookupByName("vm-b");
    assertThat(d.getInfo().state).isEqualTo(DomainInfo.DomainState.VIR_DOMAIN_SHUTOFF);
    assertThat(d.getXMLDesc(0))
        .contains("type='kvm'")
        .contains("device='cdrom'")
        .doesNotContain("device='disk'")
        .doesNotContain("<interface");
    d.free();
  }

  @Test
  void errorsAreClearAndLeaveNothingBehind() throws Exception {
    String cfg = config("registry.example.com").toString();
    assertThat(run("create", "vm-c", "-c", cfg, "--no-start").code()).isZero();
    Run again = run("create", "vm-c", "-c", cfg, "--disk", "1", "--pool", "default-pool");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("a VM named vm-c already exists on test:///default");
    assertThat(conn.storagePoolLookupByName("default-pool").listVolumes()).isEmpty();

    Run pool = run("create", "vm-a", "-c", cfg, "--disk", "1", "--pool", "nope");
    assertThat(pool.code()).isEqualTo(1);
    assertThat(pool.err()).contains("no storage pool 'nope'");
    assertThatThrownBy(() -> conn.domainLookupByName("vm-a")).isInstanceOf(LibvirtException.class);

    Run bad = run("create", "vm-a", "-c", cfg, "--mac", "52-54", "--memory", "lots");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--memory lots: not a size");
    Run type = run("create", "vm-a", "-c", cfg, "--domain-type", "xen");
    assertThat(type.code()).isEqualTo(2);
    assertThat(type.err()).contains("domain type must be kvm or qemu");
  }

  @ParameterizedTest
  @CsvSource({
    "192.168.126.1, redfish-virtualmedia://192.168.126.1:9000/redfish/v1/Systems/",
    "2620:52:0:1306::1, redfish-virtualmedia://[2620:52:0:1306::1]:9000/redfish/v1/Systems/",
    "bastion.example.com, redfish-virtualmedia://bastion.example.com:9000/redfish/v1/Systems/"
  })
  void listShowsEachVmWithItsBmcAddress(String hostname, String prefix) throws Exception {
    Path cfg = config(hostname);
    UUID uuid = UUID.fromString("7bd0c0de-0000-4000-8000-000000000001");
    assertThat(
            run(
                    "create",
                    "vm-a",
                    "-c",
                    cfg.toString(),
                    "--uuid",
                    uuid.toString(),
                    "--mac",
                    "52:54:00:a1:00:07",
                    "--network",
                    "default",
                    "--no-start")
                .code())
        .isZero();
    Run r = run("list", "-c", cfg.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("NAME").contains("BMC");
    String line = r.out().lines().filter(l -> l.startsWith("vm-a ")).findFirst().orElseThrow();
    assertThat(line.split("\\s+"))
        .containsExactly(
            "vm-a", uuid.toString(), "52:54:00:a1:00:07", "shut", "off", prefix + uuid);
    // test:///default's own running domain is listed too, with the other form of address
    assertThat(r.out())
        .containsPattern(
            "(?m)^test +\\S+ +\\S+ +running +" + java.util.regex.Pattern.quote(prefix));
  }

  @ParameterizedTest
  @CsvSource({
    "16G, M, 17179869184",
    "512, M, 536870912",
    "120, G, 128849018880",
    "2GiB, M, 2147483648"
  })
  void sizes(String text, String unit, long bytes) {
    assertThat(VmCreateCommand.bytes(text, unit, "--x")).isEqualTo(bytes);
  }
}
