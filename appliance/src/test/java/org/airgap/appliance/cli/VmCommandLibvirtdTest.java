package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.airgap.redfish.libvirt.LibvirtSandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * {@code airgap vm create|list} against a real libvirtd the test starts itself ({@link
 * LibvirtSandbox}: session mode, its own folders, no network): a qcow2 volume really made in a
 * directory pool, a domain real libvirt accepts and qemu (TCG) runs, legacy and UEFI, and the list
 * with each VM's state and BMC address.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VmCommandLibvirtdTest {
  @TempDir static Path tmp;
  static LibvirtSandbox sandbox;
  static Path pool;
  static Path cfg;

  @BeforeAll
  static void start() throws Exception {
    sandbox = LibvirtSandbox.start(tmp.resolve("lv"));
    pool = sandbox.writable("pool");
    Connect c = new Connect(sandbox.uri(), false);
    try {
      StoragePool p =
          c.storagePoolDefineXML(
              "<pool type='dir'><name>lab</name><target><path>" + pool + "</path></target></pool>",
              0);
      p.create(0);
      p.free();
    } finally {
      c.close();
    }
    cfg =
        Files.writeString(
            tmp.resolve("airgap.yaml"),
            "data-dir: "
                + tmp.resolve("var")
                + "\nsite:\n  domain: example.com\n  hostname: \"fd00::10\"\n"
                + "redfish:\n  listen: [\"[::]:9000\"]\n  libvirt-uri: \""
                + sandbox.uri()
                + "\"\n");
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void createsRealVmsAndListsThemWithTheirBmcAddresses() throws LibvirtException {
    // no --network: the sandbox has none (and test VMs get no NIC), so the list shows no MAC
    UUID legacy = UUID.fromString("5a4e1c52-0b55-4c2f-9d07-0e6c3a1f2b01");
    VmCommandTest.Run a =
        VmCommandTest.run(
            "create",
            "master-0",
            "-c",
            cfg.toString(),
            "--uuid",
            legacy.toString(),
            "--memory",
            "128M",
            "--cpus",
            "1",
            "--disk",
            "1",
            "--pool",
            "lab",
            "--domain-type",
            "qemu");
    assertThat(a.code()).as(a.err() + sandbox.logTail()).isZero();
    assertThat(a.out())
        .contains("started master-0: uuid " + legacy)
        .contains("bmc: redfish-virtualmedia://[fd00::10]:9000/redfish/v1/Systems/" + legacy);

    VmCommandTest.Run b =
        VmCommandTest.run(
            "create",
            "master-1",
            "-c",
            cfg.toString(),
            "--memory",
            "256M",
            "--cpus",
            "1",
            "--disk",
            "2G",
            "--pool",
            "lab",
            "--uefi",
            "--domain-type",
            "qemu",
            "--no-start");
    assertThat(b.code()).as(b.err() + sandbox.logTail()).isZero();

    Connect c = new Connect(sandbox.uri(), false);
    try {
      Domain m0 = c.domainLookupByName("master-0");
      assertThat(m0.getInfo().state).isEqualTo(DomainInfo.DomainState.VIR_DOMAIN_RUNNING);
      String live = m0.getXMLDesc(0);
      assertThat(live)
          .contains("type='qemu'")
          .contains("machine='pc-q35")
          .contains("<target dev='sda' bus='sata'/>")
          .contains(pool.resolve("master-0.qcow2").toString());
      m0.free();
      Domain m1 = c.domainLookupByName("master-1");
      assertThat(m1.getInfo().state).isEqualTo(DomainInfo.DomainState.VIR_DOMAIN_SHUTOFF);
      assertThat(m1.getXMLDesc(0)).contains("firmware='efi'");
      m1.free();
    } finally {
      c.close();
    }
    assertThat(pool.resolve("master-0.qcow2")).exists();
    assertThat(pool.resolve("master-1.qcow2")).exists();

    // a taken name leaves nothing behind
    VmCommandTest.Run again =
        VmCommandTest.run(
            "create",
            "master-0",
            "-c",
            cfg.toString(),
            "--disk",
            "1",
            "--pool",
            "lab",
            "--domain-type",
            "qemu");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");

    VmCommandTest.Run list = VmCommandTest.run("list", "-c", cfg.toString());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out())
        .containsPattern(
            "master-0 +"
                + legacy
                + " +- +running +redfish-virtualmedia://\\[fd00::10\\]:9000/redfish/v1/Systems/"
                + legacy)
        .containsPattern("master-1 +\\S+ +- +shut off +redfish-virtualmedia://");
  }
}
