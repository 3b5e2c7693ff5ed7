package org.airgap.redfish.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.airgap.redfish.driver.Boot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DomainXmlTest {
  static final String OS_BOOT =
      "<domain type='kvm'><name>a</name><uuid>0f0e0d0c-0b0a-0908-0706-050403020100</uuid>"
          + "<os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/><boot dev='network'/></os>"
          + "<devices><disk type='file' device='disk'><source file='/d.qcow2'/><target dev='vda'/></disk>"
          + "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>"
          + "<interface type='network'><mac address='52:54:00:00:00:01'/></interface></devices></domain>";
  static final String PER_DEVICE =
      "<domain type='kvm'><name>b</name>"
          + "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
          + "<devices><disk type='file' device='disk'><source file='/d.qcow2'/><target dev='vda'/>"
          + "<boot order='2'/><address type='pci'/></disk>"
          + "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>"
          + "<interface type='network'><boot order='1'/></interface></devices></domain>";

  record Case(String xml, Boot.Target target, List<String> order) {}

  static List<Case> cases() {
    return List.of(
        new Case(OS_BOOT, Boot.Target.CD, List.of("cdrom", "hd")),
        new Case(OS_BOOT, Boot.Target.PXE, List.of("network", "hd")),
        new Case(OS_BOOT, Boot.Target.HDD, List.of("hd")),
        new Case(OS_BOOT, Boot.Target.NONE, List.of("hd")),
        new Case(PER_DEVICE, Boot.Target.CD, List.of("cdrom:1", "hd:2")),
        new Case(PER_DEVICE, Boot.Target.PXE, List.of("network:1", "hd:2")),
        new Case(PER_DEVICE, Boot.Target.HDD, List.of("hd:1")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void bootOrderNeverMixesTheTwoForms(Case c) {
    DomainXml x = DomainXml.parse(c.xml());
    x.setBoot(new Boot(c.target(), Boot.Enabled.CONTINUOUS, Boot.Mode.UEFI));
    DomainXml back = DomainXml.parse(x.xml());
    assertThat(back.bootOrder()).isEqualTo(c.order());
    assertThat(back.xml().contains("<boot dev") && back.xml().contains("<boot order"))
        .as("libvirt refuses both forms at once")
        .isFalse();
    assertThat(back.boot().target()).isEqualTo(c.target());
  }

  @Test
  void modeAndSecureBootAreFirmwareSettings() {
    DomainXml x = DomainXml.parse(OS_BOOT);
    assertThat(x.mode()).isEqualTo(Boot.Mode.LEGACY);
    x.setBoot(new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.UEFI));
    x.setSecureBoot(false);
    String xml = x.xml();
    assertThat(xml)
        .contains("firmware=\"efi\"")
        .contains("<feature enabled=\"no\" name=\"secure-boot\"/>")
        .contains("<acpi/>");
    x.setSecureBoot(true);
    assertThat(x.xml()).contains("<feature enabled=\"yes\" name=\"secure-boot\"/>").contains("smm");
    x.setBoot(new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.LEGACY));
    assertThat(x.xml()).doesNotContain("firmware");
    assertThat(DomainXml.parse(x.xml()).secureBoot()).isTrue();
  }

  @Test
  void onceIsConsumedOnceAndNotesTheRun() {
    DomainXml x = DomainXml.parse(OS_BOOT);
    x.setBoot(new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.LEGACY));
    assertThat(x.consumeOnce(7)).isEqualTo(Boot.Target.CD);
    x = DomainXml.parse(x.xml());
    assertThat(x.boot().enabled()).isEqualTo(Boot.Enabled.DISABLED);
    assertThat(x.bootOrder()).containsExactly("hd");
    assertThat(x.pendingRun()).contains(7);
    assertThat(x.consumeOnce(8)).isEqualTo(Boot.Target.HDD);
    assertThat(x.pendingRun()).contains(7);
  }

  @Test
  void cdromSourceAndMediaMetadata() {
    DomainXml x = DomainXml.parse(OS_BOOT);
    assertThat(x.firstMac()).contains("52:54:00:00:00:01");
    URI url = URI.create("http://h:8080/images/a.iso");
    String dev =
        x.setCdrom(
            Optional.of("/var/lib/airgap/redfish/a.iso"),
            Optional.of(new DomainXml.Media(url, true, Optional.empty())));
    assertThat(dev)
        .contains("device=\"cdrom\"")
        .contains("/var/lib/airgap/redfish/a.iso")
        .contains("relabel=\"no\"");
    x = DomainXml.parse(x.xml());
    assertThat(x.cdromFile()).contains("/var/lib/airgap/redfish/a.iso");
    assertThat(x.media().orElseThrow().url()).isEqualTo(url);
    x.setCdrom(Optional.empty(), Optional.empty());
    x = DomainXml.parse(x.xml());
    assertThat(x.cdromFile()).isEmpty();
    assertThat(x.media()).isEmpty();
    assertThat(x.xml()).doesNotContain("a.iso");
    DomainXml noCd = DomainXml.parse("<domain><name>n</name><devices/></domain>");
    assertThat(noCd.hasCdrom()).isFalse();
    assertThatThrownBy(() -> noCd.setCdrom(Optional.of("/x.iso"), Optional.empty()))
        .hasMessageContaining("no CD drive");
  }
}
