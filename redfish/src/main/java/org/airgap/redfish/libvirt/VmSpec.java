package org.airgap.redfish.libvirt;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.airgap.redfish.driver.Machine;

/**
 * A VM as {@code airgap vm create} defines it, the way {@code kcli create vm -P start=False -P
 * uefi_legacy=true …} does in the procedure: q35, an optional qcow2 disk, always an empty SATA CD
 * drive (virtual media can only change media, never hot-add a drive), an optional NIC on a libvirt
 * network, a serial console.
 *
 * @param domainType {@code kvm}, or {@code qemu} for software emulation (TCG)
 * @param disk a qcow2 volume path to attach as the first disk, if any
 * @param serialLog a file the serial console is appended to (else a pty)
 */
public record VmSpec(
    String name,
    UUID uuid,
    String mac,
    int memoryMiB,
    int cpus,
    Optional<Path> disk,
    Optional<String> network,
    boolean uefi,
    String domainType,
    Optional<Path> serialLog) {

  public VmSpec {
    new Machine(name, uuid, mac); // validates name and MAC
    if (memoryMiB < 64 || cpus < 1) {
      throw new IllegalArgumentException("a VM needs at least 64 MiB and 1 CPU");
    }
    if (!domainType.equals("kvm") && !domainType.equals("qemu")) {
      throw new IllegalArgumentException("domain type must be kvm or qemu, not " + domainType);
    }
  }

  /** The domain XML. */
  public String xml() {
    StringBuilder b = new StringBuilder();
    b.append("<domain type='").append(domainType).append("'>\n");
    b.append("  <name>").append(name).append("</name>\n");
    b.append("  <uuid>").append(uuid).append("</uuid>\n");
    b.append("  <memory unit='MiB'>").append(memoryMiB).append("</memory>\n");
    b.append("  <vcpu>").append(cpus).append("</vcpu>\n");
    b.append("  <os").append(uefi ? " firmware='efi'" : "").append(">\n");
    b.append("    <type arch='x86_64' machine='q35'>hvm</type>\n");
    if (uefi) {
      b.append("    <firmware>\n");
      b.append("      <feature enabled='no' name='enrolled-keys'/>\n");
      b.append("      <feature enabled='no' name='secure-boot'/>\n");
      b.append("    </firmware>\n");
    }
    b.append("    <boot dev='hd'/>\n");
    b.append("  </os>\n");
    b.append("  <features><acpi/><apic/></features>\n");
    if (domainType.equals("kvm")) {
      b.append("  <cpu mode='host-passthrough'/>\n");
    }
    b.append("  <clock offset='utc'/>\n");
    b.append("  <on_poweroff>destroy</on_poweroff>\n");
    b.append("  <on_reboot>restart</on_reboot>\n");
    b.append("  <on_crash>destroy</on_crash>\n");
    b.append("  <devices>\n");
    disk.ifPresent(
        d ->
            b.append("    <disk type='file' device='disk'>\n")
                .append("      <driver name='qemu' type='qcow2'/>\n")
                .append("      <source file='")
                .append(xmlAttr(d.toString()))
                .append("'/>\n")
                .append("      <target dev='vda' bus='virtio'/>\n")
                .append("    </disk>\n"));
    b.append("    <disk type='file' device='cdrom'>\n");
    b.append("      <driver name='qemu' type='raw'/>\n");
    b.append("      <target dev='sda' bus='sata'/>\n");
    b.append("      <readonly/>\n");
    b.append("    </disk>\n");
    network.ifPresent(
        n ->
            b.append("    <interface type='network'>\n")
                .append("      <source network='")
                .append(xmlAttr(n))
                .append("'/>\n")
                .append("      <mac address='")
                .append(mac)
                .append("'/>\n")
                .append("      <model type='virtio'/>\n")
                .append("    </interface>\n"));
    if (serialLog.isPresent()) {
      b.append("    <serial type='file'>\n")
          .append("      <source path='")
          .append(xmlAttr(serialLog.get().toString()))
          .append("' append='on'/>\n")
          .append("      <target port='0'/>\n")
          .append("    </serial>\n");
    } else {
      b.append("    <serial type='pty'><target port='0'/></serial>\n");
      b.append("    <console type='pty'><target type='serial' port='0'/></console>\n");
    }
    b.append("  </devices>\n");
    b.append("</domain>\n");
    return b.toString();
  }

  private static String xmlAttr(String s) {
    return s.replace("&", "&amp;")
        .replace("'", "&apos;")
        .replace("<", "&lt;")
        .replace("\"", "&quot;");
  }
}
