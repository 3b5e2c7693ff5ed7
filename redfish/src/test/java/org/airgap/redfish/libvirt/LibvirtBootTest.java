package org.airgap.redfish.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.airgap.redfish.RedfishConfig;
import org.airgap.redfish.RedfishServer;
import org.airgap.redfish.driver.Boot;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MachineState;
import org.airgap.redfish.driver.MediaImage;
import org.airgap.redfish.driver.PowerState;
import org.airgap.redfish.driver.ResetType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The libvirt backend against a real libvirtd the test starts itself ({@link LibvirtSandbox}:
 * session mode, its own folders, no network), with VMs under software emulation that really boot
 * grub-mkrescue ISOs ({@link BootMedia}) and print what they booted on a serial log: virtual media
 * on a q35 VM's empty SATA CD drive, the boot override (Cd, Once) reverted after the boot and
 * across a guest-initiated reboot, ForceRestart applying new media and a new boot device, legacy vs
 * UEFI through {@code <os firmware>}, reconnecting after libvirtd restarts, a 1.2 GB image used in
 * place and three systems inserting at once.
 */
@Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LibvirtBootTest {
  static final Duration BOOT = Duration.ofSeconds(60);
  @TempDir static Path tmp;
  static LibvirtSandbox sandbox;
  static LibvirtDriver driver;
  static MediaServer http;
  static Path media;
  static Path logs;
  static Path images;

  @BeforeAll
  static void startDaemon() throws Exception {
    sandbox = LibvirtSandbox.start(tmp.resolve("lv"));
    media = sandbox.writable("media");
    logs = sandbox.writable("logs");
    images = sandbox.writable("srv/images");
    for (String label : List.of("cd-a", "cd-b")) {
      BootMedia.iso(media, label, false);
    }
    BootMedia.iso(media, "cd-reboot", true);
    http = new MediaServer(media, Optional.empty(), Optional.empty());
    driver =
        LibvirtDriver.open(
            LibvirtConfig.of(
                sandbox.uri(),
                sandbox.dir().resolve("cache"),
                List.of(
                    new LibvirtConfig.LocalSource(
                        URI.create("http://airgap.test:8080/images/"), images))));
  }

  @AfterAll
  static void stopDaemon() {
    try {
      if (driver != null) {
        driver.close();
      }
      if (http != null) {
        http.close();
      }
    } finally {
      if (sandbox != null) {
        sandbox.close();
      }
    }
  }

  /** Every VM off after each test: TCG guests cost CPU on a shared machine. */
  @AfterEach
  void powerOff() {
    for (Machine m : driver.machines()) {
      driver.reset(m, ResetType.FORCE_OFF);
    }
  }

  /** Defines a TCG VM with an empty SATA CD drive, a serial log, optionally a disk. */
  static Machine vm(String name, boolean uefi, Optional<Path> disk) throws LibvirtException {
    UUID uuid = UUID.nameUUIDFromBytes(name.getBytes());
    String mac = "52:54:00:" + uuid.toString().substring(0, 2) + ":00:01";
    VmSpec spec =
        new VmSpec(
            name,
            uuid,
            mac,
            256,
            1,
            disk,
            Optional.empty(),
            uefi,
            "qemu",
            Optional.of(serial(name)));
    Connect c = new Connect(sandbox.uri(), false);
    try {
      c.domainDefineXML(spec.xml()).free();
    } finally {
      c.close();
    }
    return awaitMachine(name);
  }

  static Machine awaitMachine(String name) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Optional<Machine> m = driver.find(name);
      if (m.isPresent()) {
        return m.get();
      }
      assertThat(System.nanoTime()).as("machine " + name + " listed").isLessThan(deadline);
      sleep(100);
    }
  }

  static Path serial(String name) {
    return logs.resolve(name + ".log");
  }

  static String liveXml(Machine m, boolean inactive) throws LibvirtException {
    Connect c = new Connect(sandbox.uri(), false);
    try {
      Domain d = c.domainLookupByUUID(m.uuid());
      try {
        return d.getXMLDesc(inactive ? 2 : 0);
      } finally {
        d.free();
      }
    } finally {
      c.close();
    }
  }

  static void awaitPower(Machine m, PowerState want) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (driver.state(m).power() != want) {
      assertThat(System.nanoTime()).as(m.name() + " reaches " + want).isLessThan(deadline);
      sleep(100);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An image of the plain HTTP server; {@code vm} makes the URL (and cache entry) its own. */
  static MediaImage remote(String iso, String vm) {
    return new MediaImage(url(iso, vm), true, Optional.empty(), Optional.empty());
  }

  static URI url(String iso, String vm) {
    return URI.create(http.url(iso) + "?for=" + vm);
  }

  @Test
  void mediaInsertReplaceEjectOnARunningQ35Vm() throws Exception {
    Machine m = vm("vmedia-0", false, Optional.empty());
    driver.reset(m, ResetType.ON);
    awaitPower(m, PowerState.ON);
    assertThat(liveXml(m, false)).contains("machine='pc-q35").doesNotContain("cd-a.iso");

    driver.insertMedia(m, remote("cd-a.iso", "vmedia-0"));
    MachineState s = driver.state(m);
    assertThat(s.media()).map(MediaImage::image).contains(url("cd-a.iso", "vmedia-0"));
    Path cached =
        sandbox.dir().resolve("cache").resolve(MediaCache.entryName(url("cd-a.iso", "vmedia-0")));
    assertThat(cached).exists();
    assertThat(liveXml(m, false)).as("the running VM got the media").contains(cached.toString());
    assertThat(liveXml(m, true)).as("so did its persistent definition").contains(cached.toString());

    // replace: eject, then insert another (what Ironic does)
    driver.ejectMedia(m);
    assertThat(liveXml(m, false)).doesNotContain(cached.toString());
    assertThat(cached).as("an unused cache entry is freed").doesNotExist();
    driver.insertMedia(m, remote("cd-b.iso", "vmedia-0"));
    Path cachedB =
        sandbox.dir().resolve("cache").resolve(MediaCache.entryName(url("cd-b.iso", "vmedia-0")));
    assertThat(liveXml(m, false)).contains(cachedB.toString());
    assertThat(driver.state(m).power()).isEqualTo(PowerState.ON);

    driver.ejectMedia(m);
    assertThat(driver.state(m).media()).isEmpty();
    assertThat(liveXml(m, false)).doesNotContain(cachedB.toString());
    assertThat(liveXml(m, true)).doesNotContain(cachedB.toString());
    driver.ejectMedia(m); // ejecting an empty drive is fine
  }

  @Test
  void legacyVmBootsTheIsoOnceThenItsDiskAfterTheGuestReboots() throws Exception {
    Path disk = BootMedia.disk(BootMedia.iso(tmp, "disk", false), media.resolve("once.qcow2"));
    Machine m = vm("once-0", false, Optional.of(disk));
    driver.insertMedia(m, remote("cd-reboot.iso", "once-0"));
    driver.setBoot(m, new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.LEGACY));
    assertThat(driver.state(m).boot().enabled()).isEqualTo(Boot.Enabled.ONCE);

    driver.reset(m, ResetType.ON);
    assertThat(driver.state(m).boot().enabled())
        .as("the boot consumed the override")
        .isEqualTo(Boot.Enabled.DISABLED);
    // the CD prints its marker and reboots the guest; the reboot must not boot the CD again
    List<BootMedia.Boot> boots = BootMedia.awaitBoots(serial("once-0"), 2, BOOT);
    assertThat(boots)
        .as(sandbox.logTail("once-0"))
        .startsWith(new BootMedia.Boot("cd-reboot", "pc"), new BootMedia.Boot("disk", "pc"));
    sleep(2000);
    assertThat(BootMedia.boots(serial("once-0")))
        .filteredOn(b -> b.label().equals("cd-reboot"))
        .as("the CD booted exactly once")
        .hasSize(1);
    assertThat(driver.state(m).power()).isEqualTo(PowerState.ON);
  }

  @Test
  void forceRestartAppliesNewMediaAndANewBootDevice() throws Exception {
    Path disk = BootMedia.disk(BootMedia.iso(tmp, "disk", false), media.resolve("restart.qcow2"));
    Machine m = vm("restart-0", false, Optional.of(disk));
    driver.insertMedia(m, remote("cd-a.iso", "restart-0"));
    driver.setBoot(m, new Boot(Boot.Target.CD, Boot.Enabled.CONTINUOUS, Boot.Mode.LEGACY));
    driver.reset(m, ResetType.ON);
    assertThat(BootMedia.awaitBoots(serial("restart-0"), 1, BOOT))
        .containsExactly(new BootMedia.Boot("cd-a", "pc"));

    // new media while running, then ForceRestart: the new image boots
    driver.ejectMedia(m);
    driver.insertMedia(m, remote("cd-b.iso", "restart-0"));
    driver.reset(m, ResetType.FORCE_RESTART);
    assertThat(BootMedia.awaitBoots(serial("restart-0"), 2, BOOT))
        .element(1)
        .isEqualTo(new BootMedia.Boot("cd-b", "pc"));

    // a new boot device, then ForceRestart: the disk boots
    driver.setBoot(m, new Boot(Boot.Target.HDD, Boot.Enabled.CONTINUOUS, Boot.Mode.LEGACY));
    driver.reset(m, ResetType.FORCE_RESTART);
    assertThat(BootMedia.awaitBoots(serial("restart-0"), 3, BOOT))
        .element(2)
        .isEqualTo(new BootMedia.Boot("disk", "pc"));
  }

  /**
   * Debian's python3-sushy does what Ironic's redfish-virtual-media boot does, through the Redfish
   * API on this backend: power off, InsertMedia with UserName/Password (the image server wants HTTP
   * Basic), UEFI + Cd Once, power on. OVMF boots the ISO; the override reads Disabled after.
   */
  @Test
  void sushyInsertsWithCredentialsAndTheVmBootsTheIsoInUefi() throws Exception {
    Machine m = vm("sushy-0", false, Optional.empty());
    try (MediaServer secured = new MediaServer(media, Optional.of("ironic"), Optional.of("pa:ss"));
        RedfishServer server =
            new RedfishServer(
                new RedfishConfig(
                    List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                    Optional.empty(),
                    "libvirt",
                    List.of(),
                    Duration.ofMinutes(30),
                    Duration.ZERO),
                (u, p) -> u.equals("admin") && p.equals("secret"),
                () -> LibvirtDriver.open(driver.config()),
                Clock.systemUTC())) {
      server.start();
      Path script = tmp.resolve("ironic_vmedia_boot.py");
      try (InputStream in = getClass().getResourceAsStream("/sushy/ironic_vmedia_boot.py")) {
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      URI image = URI.create(secured.url("cd-a.iso") + "?for=sushy-0");
      ProcessBuilder pb =
          new ProcessBuilder(
                  "/usr/bin/python3",
                  "-W",
                  "ignore::Warning",
                  script.toString(),
                  "http://127.0.0.1:" + server.addresses().get(0).getPort(),
                  "admin",
                  "secret",
                  "/redfish/v1/Systems/local/sushy-0",
                  image.toString())
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("sushy.out").toFile());
      pb.environment().remove("REQUESTS_CA_BUNDLE");
      pb.environment().remove("CURL_CA_BUNDLE");
      pb.environment().put("IMAGE_USER", "ironic");
      pb.environment().put("IMAGE_PASSWORD", "pa:ss");
      pb.environment().put("KEEP_MEDIA", "1");
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      String out = Files.readString(tmp.resolve("sushy.out"));
      assertThat(p.exitValue()).as(out).isZero();
      JsonNode seen =
          new ObjectMapper()
              .readTree(
                  out.strip().lines().filter(l -> l.startsWith("{")).findFirst().orElse("{}"));
      assertThat(seen.path("inserted").asBoolean()).as(out).isTrue();
      assertThat(seen.path("image").asText()).isEqualTo(image.toString());
      assertThat(seen.path("boot_before").toString())
          .contains("BootSource.CD", "Enabled.ONCE", "Mode.UEFI");
      assertThat(seen.path("boot_after").toString()).contains("Enabled.DISABLED", "Mode.UEFI");
      assertThat(secured.seenAuthorization).contains(basic("ironic", "pa:ss"));

      assertThat(BootMedia.awaitBoots(serial("sushy-0"), 1, BOOT))
          .as(sandbox.logTail("sushy-0"))
          .containsExactly(new BootMedia.Boot("cd-a", "efi"));
      assertThat(liveXml(m, true)).contains("firmware='efi'");
    }
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void reconnectsAfterLibvirtdRestartsAndStillSeesEvents() throws Exception {
    Machine m = vm("reconnect-0", false, Optional.empty());
    driver.reset(m, ResetType.ON);
    awaitPower(m, PowerState.ON);
    long before = sandbox.libvirtdPid();
    sandbox.restartLibvirtd();
    assertThat(sandbox.libvirtdPid()).isNotEqualTo(before);

    assertThat(driver.state(m).power())
        .as("the VM outlived libvirtd" + sandbox.logTail("reconnect-0"))
        .isEqualTo(PowerState.ON);
    driver.reset(m, ResetType.FORCE_OFF);
    awaitPower(m, PowerState.OFF);

    // the new connection carries the event subscriptions: a start behind our back (virsh
    // start) still consumes a Once override
    driver.setBoot(m, new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.LEGACY));
    Connect c = new Connect(sandbox.uri(), false);
    try {
      Domain d = c.domainLookupByUUID(m.uuid());
      d.create();
      d.free();
    } finally {
      c.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (driver.state(m).boot().enabled() != Boot.Enabled.DISABLED) {
      assertThat(System.nanoTime()).as("Once reverted after an outside start").isLessThan(deadline);
      sleep(100);
    }
  }

  @Test
  void bigImageOfOurOwnServerIsUsedInPlaceAndParallelInsertsAllFinish() throws Exception {
    Path big = images.resolve("big.iso");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(1200L * 1024 * 1024); // sparse
    }
    Files.setPosixFilePermissions(big, PosixFilePermissions.fromString("rw-r--r--"));
    Machine m = vm("inplace-0", false, Optional.empty());
    long t0 = System.nanoTime();
    driver.insertMedia(m, MediaImage.of("http://airgap.test:8080/images/big.iso"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).as("1.2 GB in place").isLessThan(60_000);
    assertThat(liveXml(m, true)).contains(big.toRealPath().toString());
    System.out.printf("InsertMedia of a 1.2 GB image in place: %d ms%n", ms);

    // three systems insert three different remote images at once: none waits for another
    List<Machine> ms3 = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path iso = media.resolve("par-" + i + ".iso");
      Files.copy(media.resolve("cd-a.iso"), iso);
      Files.setPosixFilePermissions(iso, PosixFilePermissions.fromString("rw-r--r--"));
      ms3.add(vm("parallel-" + i, false, Optional.empty()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        fs.add(
            pool.submit(
                () -> driver.insertMedia(ms3.get(n), remote("par-" + n + ".iso", "parallel"))));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < 3; i++) {
      assertThat(driver.state(ms3.get(i)).media())
          .map(MediaImage::image)
          .contains(url("par-" + i + ".iso", "parallel"));
    }
    driver.ejectMedia(m);
    assertThat(big).as("a file used in place is never deleted").exists();
  }

  @Test
  void aVmWithoutACdDriveGetsAClearError() throws Exception {
    Connect c = new Connect(sandbox.uri(), false);
    UUID uuid = UUID.nameUUIDFromBytes("nocd-0".getBytes());
    try {
      c.domainDefineXML(
              "<domain type='qemu'><name>nocd-0</name><uuid>"
                  + uuid
                  + "</uuid><memory unit='MiB'>64</memory><os><type arch='x86_64'"
                  + " machine='q35'>hvm</type></os></domain>")
          .free();
    } finally {
      c.close();
    }
    Machine m = awaitMachine("nocd-0");
    assertThatThrownBy(() -> driver.insertMedia(m, remote("cd-a.iso", "nocd-0")))
        .hasMessageContaining("has no CD drive")
        .hasMessageContaining("airgap vm create");
  }
}
