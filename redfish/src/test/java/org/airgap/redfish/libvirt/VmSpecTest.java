package org.airgap.redfish.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.airgap.redfish.driver.Boot;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;

class VmSpecTest {
  static VmSpec spec(boolean uefi, String type) {
    return new VmSpec(
        "spec-vm",
        UUID.fromString("6f1c3c2e-1111-4222-8333-444455556666"),
        "52:54:00:aa:bb:cc",
        2048,
        2,
        Optional.of(Path.of("/var/lib/libvirt/images/spec-vm.qcow2")),
        Optional.of("provisioning"),
        uefi,
        type,
        Optional.empty());
  }

  @Test
  void alwaysAnEmptyCdDriveAndTheModeAsked() {
    DomainXml uefi = DomainXml.parse(spec(true, "kvm").xml());
    assertThat(uefi.hasCdrom()).isTrue();
    assertThat(uefi.cdromFile()).isEmpty();
    assertThat(uefi.mode()).isEqualTo(Boot.Mode.UEFI);
    assertThat(uefi.firstMac()).contains("52:54:00:aa:bb:cc");
    assertThat(uefi.xml()).contains("name=\"secure-boot\"").contains("host-passthrough");
    DomainXml legacy = DomainXml.parse(spec(false, "qemu").xml());
    assertThat(legacy.mode()).isEqualTo(Boot.Mode.LEGACY);
    assertThat(legacy.xml()).doesNotContain("host-passthrough").contains("type=\"qemu\"");
  }

  @Test
  void libvirtAcceptsTheDefinition() throws Exception {
    EventLoop.ensureRunning();
    Connect c = new Connect("test:///default", false);
    try {
      String xml = spec(true, "qemu").xml().replace("type='qemu'", "type='test'");
      Domain d = c.domainDefineXML(xml);
      assertThat(d.getName()).isEqualTo("spec-vm");
      assertThat(DomainXml.parse(d.getXMLDesc(2)).hasCdrom()).isTrue();
      d.undefine();
    } finally {
      c.close();
    }
  }

  @Test
  void badValuesAreRefused() {
    assertThatThrownBy(
            () ->
                new VmSpec(
                    "x",
                    UUID.randomUUID(),
                    "52:54:00:aa:bb:cc",
                    2048,
                    1,
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    "xen",
                    Optional.empty()))
        .hasMessageContaining("kvm or qemu");
    assertThatThrownBy(
            () ->
                new VmSpec(
                    "x",
                    UUID.randomUUID(),
                    "not-a-mac",
                    2048,
                    1,
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    "kvm",
                    Optional.empty()))
        .hasMessageContaining("MAC");
  }
}
