package org.airgap.redfish.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.airgap.redfish.driver.Boot;
import org.airgap.redfish.driver.Feature;
import org.airgap.redfish.driver.MachineDriver;
import org.airgap.redfish.driver.MachineDriverContract;
import org.airgap.redfish.driver.MachineState;
import org.airgap.redfish.driver.PowerState;
import org.airgap.redfish.driver.ResetType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The {@link MachineDriverContract} against libvirt's in-process {@code test:///default} fake
 * hypervisor (no daemon). It cannot change devices, so virtual media runs against the real libvirtd
 * in {@link LibvirtBootTest}; here the driver offers secure boot and NMI only.
 */
class LibvirtTestDriverTest extends MachineDriverContract {
  static final String URI = "test:///default";
  @TempDir static Path cache;
  private Connect keep;

  static String domain(String name, String extraOs, String devices) {
    UUID uuid = UUID.nameUUIDFromBytes(("contract " + name).getBytes());
    return "<domain type='test'><name>"
        + name
        + "</name><uuid>"
        + uuid
        + "</uuid><memory>65536</memory><os><type arch='x86_64' machine='q35'>hvm</type>"
        + extraOs
        + "</os><devices>"
        + devices
        + "</devices></domain>";
  }

  static final String CDROM =
      "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>";

  @Override
  protected MachineDriver newDriver() {
    EventLoop.ensureRunning();
    try {
      // test:///default lives while a connection is open: define the machines on one we hold
      keep = new Connect(URI, false);
      for (int i = 0; i < 3; i++) {
        keep.domainDefineXML(
                domain(
                    "ct-" + i,
                    "<boot dev='hd'/>",
                    CDROM
                        + "<interface type='user'><mac address='52:54:00:c0:00:0"
                        + i
                        + "'/></interface>"))
            .free();
      }
    } catch (LibvirtException e) {
      throw new IllegalStateException(e);
    }
    return LibvirtDriver.open(
        LibvirtConfig.of(URI, cache, List.of())
            .withFeatures(EnumSet.of(Feature.SECURE_BOOT, Feature.NMI)));
  }

  @org.junit.jupiter.api.AfterEach
  void release() throws LibvirtException {
    keep.close();
  }

  @Test
  void machinesCarryTheirFirstMac() {
    assertThat(driver.find("ct-1").orElseThrow().mac()).isEqualTo("52:54:00:c0:00:01");
  }

  @Test
  void overrideRewritesThePersistentXmlAndOnceReverts() throws LibvirtException {
    var m = driver.find("ct-2").orElseThrow();
    driver.setBoot(m, new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.LEGACY));
    DomainXml x = DomainXml.parse(keep.domainLookupByName("ct-2").getXMLDesc(2));
    assertThat(x.bootOrder()).containsExactly("cdrom", "hd");
    assertThat(x.mode()).isEqualTo(Boot.Mode.LEGACY);
    driver.reset(m, ResetType.ON);
    MachineState s = driver.state(m);
    assertThat(s.power()).isEqualTo(PowerState.ON);
    assertThat(s.lastBoot()).contains(Boot.Target.CD);
    assertThat(s.boot())
        .isEqualTo(new Boot(Boot.Target.CD, Boot.Enabled.DISABLED, Boot.Mode.LEGACY));
    x = DomainXml.parse(keep.domainLookupByName("ct-2").getXMLDesc(2));
    assertThat(x.bootOrder()).containsExactly("hd");
    assertThat(x.pendingRun()).isPresent();
  }

  @Test
  void aDomainStartedBehindOurBackConsumesOnceToo() throws Exception {
    var m = driver.find("ct-0").orElseThrow();
    driver.setBoot(m, new Boot(Boot.Target.PXE, Boot.Enabled.ONCE, Boot.Mode.UEFI));
    keep.domainLookupByName("ct-0").create(); // as `virsh start` would
    await(
        () -> driver.state(m).boot().enabled() == Boot.Enabled.DISABLED,
        "the Started event consumes Once");
    assertThat(driver.state(m).lastBoot()).contains(Boot.Target.PXE);
  }

  @Test
  void eventsAfterClosedDriversAreCollectedNeverCrashTheJvm() throws Exception {
    // libvirt keeps a closed connection's callbacks on test:///default; once JNA finds one
    // collected the JVM aborts (CI saw exit 134). Closed drivers, a full GC, then events:
    for (int i = 0; i < 3; i++) {
      try (MachineDriver old =
          LibvirtDriver.open(
              LibvirtConfig.of(URI, cache, List.of())
                  .withFeatures(EnumSet.of(Feature.SECURE_BOOT, Feature.NMI)))) {
        assertThat(old.find("ct-1")).isPresent();
      }
    }
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
    var m = driver.find("ct-1").orElseThrow();
    driver.setBoot(m, new Boot(Boot.Target.PXE, Boot.Enabled.ONCE, Boot.Mode.UEFI));
    var d = keep.domainLookupByName("ct-1");
    d.create();
    await(
        () -> driver.state(m).boot().enabled() == Boot.Enabled.DISABLED,
        "the current driver still sees the events");
    d.reboot(0);
    d.destroy();
    d.free();
    assertThat(driver.find("ct-1")).isPresent();
  }
}
