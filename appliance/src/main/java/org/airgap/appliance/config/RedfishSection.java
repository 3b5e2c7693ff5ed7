package org.airgap.appliance.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.airgap.redfish.driver.Machine;

/**
 * {@code redfish:} the Redfish virtual-media BMC facade.
 *
 * @param libvirtUri the libvirt connection of {@code driver: libvirt} (default {@code
 *     qemu:///system}); also what {@code airgap vm} talks to
 * @param mediaCaFile PEM bundle trusted when fetching virtual media over HTTPS (default: the JDK's)
 * @param mediaVerifyTls false accepts any certificate when fetching virtual media (lab only)
 */
public record RedfishSection(
    Boolean enabled,
    List<ListenAddress> listen,
    Boolean tls,
    String advertise,
    String driver,
    Path htpasswd,
    Integer sessionTimeout,
    Integer powerDelayMs,
    List<MachineEntry> machines,
    String libvirtUri,
    Path mediaCaFile,
    Boolean mediaVerifyTls) {

  public static final String DEFAULT_LIBVIRT_URI = "qemu:///system";

  /**
   * One machine of the memory backend: {@code name} (required), {@code uuid} and {@code mac}
   * (derived from the name and the position in the list when left out).
   */
  public record MachineEntry(String name, String uuid, String mac) {}

  public RedfishSection {
    enabled = enabled == null || enabled;
    listen = listen == null ? List.of(ListenAddress.parse("[::]:9000")) : List.copyOf(listen);
    tls = tls == null || tls;
    driver = driver == null ? "memory" : driver;
    sessionTimeout = sessionTimeout == null ? 1800 : sessionTimeout;
    powerDelayMs = powerDelayMs == null ? 2000 : powerDelayMs;
    machines =
        machines == null
            ? List.of(
                new MachineEntry("vm-0", null, null),
                new MachineEntry("vm-1", null, null),
                new MachineEntry("vm-2", null, null))
            : List.copyOf(machines);
    libvirtUri = libvirtUri == null ? DEFAULT_LIBVIRT_URI : libvirtUri;
    mediaVerifyTls = mediaVerifyTls == null || mediaVerifyTls;
  }

  void validate(Problems p) {
    Sections.validateListen(p, "redfish", listen, enabled);
    Sections.validateAdvertise(p, "redfish.advertise", advertise);
    if (!List.of("memory", "libvirt").contains(driver)) {
      p.add("redfish.driver", "unknown driver '" + driver + "'", "one of: memory, libvirt");
    }
    if (sessionTimeout < 30 || sessionTimeout > 86400) {
      p.add("redfish.session-timeout", "must be 30-86400 seconds", "1800 is the default");
    }
    if (powerDelayMs < 0 || powerDelayMs > 60000) {
      p.add("redfish.power-delay-ms", "must be 0-60000 milliseconds", "2000 is the default");
    }
    validateLibvirt(p);
    Set<String> names = new HashSet<>();
    Set<String> uuids = new HashSet<>();
    for (int i = 0; i < machines.size(); i++) {
      MachineEntry e = machines.get(i);
      String at = "redfish.machines[" + i + "]";
      if (e.name() == null) {
        p.add(at + ".name", "every machine needs a name", "for example vm-" + i);
        continue;
      }
      int index = i;
      p.check(
          at + ".name",
          () -> new Machine(e.name(), Machine.uuidFor(e.name()), "52:54:00:00:00:00"));
      if (!names.add(e.name())) {
        p.add(at + ".name", "'" + e.name() + "' is used by another machine");
      }
      if (e.uuid() != null) {
        p.check(at + ".uuid", () -> uuid(e.uuid()));
      }
      p.check(at + ".mac", () -> new Machine("m", UUID.randomUUID(), mac(e, index)));
      if (!uuids.add(uuidOf(e).toLowerCase(java.util.Locale.ROOT))) {
        p.add(at + ".uuid", "the UUID is used by another machine");
      }
    }
  }

  private void validateLibvirt(Problems p) {
    if (!libvirtUri.matches("[a-z][a-z0-9+.-]*://\\S*")) {
      p.add(
          "redfish.libvirt-uri",
          "'" + libvirtUri + "' is not a libvirt connection URI",
          "for example qemu:///system or qemu+ssh://root@host/system");
    }
    if (mediaCaFile != null) {
      if (!mediaVerifyTls) {
        p.add(
            "redfish.media-ca-file",
            "has no effect with media-verify-tls: false",
            "drop one of the two keys");
      } else if (!Files.isRegularFile(mediaCaFile) || !Files.isReadable(mediaCaFile)) {
        p.add(
            "redfish.media-ca-file",
            "cannot read " + mediaCaFile,
            "a PEM bundle of the CAs that sign the image servers' certificates");
      }
    }
  }

  /** The machines as the redfish module takes them (call after {@link #validate}). */
  public List<Machine> machineList() {
    List<Machine> out = new ArrayList<>();
    for (int i = 0; i < machines.size(); i++) {
      MachineEntry e = machines.get(i);
      out.add(new Machine(e.name(), uuid(uuidOf(e)), mac(e, i)));
    }
    return List.copyOf(out);
  }

  public Duration sessionTimeoutDuration() {
    return Duration.ofSeconds(sessionTimeout);
  }

  public Duration powerDelay() {
    return Duration.ofMillis(powerDelayMs);
  }

  private static String uuidOf(MachineEntry e) {
    return e.uuid() != null ? e.uuid() : Machine.uuidFor(e.name()).toString();
  }

  private static String mac(MachineEntry e, int index) {
    return e.mac() != null ? e.mac() : Machine.macFor(index);
  }

  private static UUID uuid(String text) {
    try {
      if (text.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(text);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("'" + text + "' is not a UUID (8-4-4-4-12 hex digits)");
    }
  }

  /** Every key at its default. */
  public static RedfishSection defaults() {
    return new RedfishSection(
        null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
