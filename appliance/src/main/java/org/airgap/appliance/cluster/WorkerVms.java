package org.airgap.appliance.cluster;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ClusterSection.Hosted;
import org.airgap.appliance.config.ClusterSection.Vm;
import org.airgap.redfish.libvirt.VmSpec;
import org.airgap.redfish.libvirt.Vms;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The workers phase's VMs: for every hosted cluster whose workers are a count, the domains {@code
 * <name>-worker0..N-1} on this bastion's libvirt ({@code redfish.libvirt-uri}), with the MAC and
 * UUID that their DHCP host, BareMetalHost and Redfish system carry ({@link Machines}), one qcow2
 * volume per {@code disks-gib} entry in {@code vm.pool}, an empty CD drive for virtual media, and
 * left shut off: Ironic powers them on through Redfish to boot the discovery ISO. Only {@code
 * airgap cluster apply} (phase workers) calls this, never the daemon when it loads a spec.
 *
 * <p>Idempotent: a VM that exists with the same UUID is kept as it is; a domain of that name with
 * another UUID, or that UUID under another name, is an error that names both.
 */
public final class WorkerVms {
  /** libvirt's flag for the inactive (persistent) definition. */
  private static final int XML_INACTIVE = 2;

  private final AirgapConfig cfg;
  private final String uri;

  public WorkerVms(AirgapConfig cfg) {
    this.cfg = cfg;
    this.uri = cfg.redfish().libvirtUri();
  }

  /** One generated worker as libvirt gets it. */
  record Planned(String name, UUID uuid, String mac, Vm vm) {}

  /** The VMs the spec asks for, in order. */
  List<Planned> planned() {
    List<Planned> out = new ArrayList<>();
    for (Hosted h : cfg.cluster().hosted()) {
      Optional<Vm> vm = h.workers().vm();
      if (vm.isEmpty() || !h.workers().hosts().isEmpty()) {
        continue; // listed hosts exist already
      }
      for (ClusterFeeds.Machine m : ClusterFeeds.machines(cfg)) {
        if (m.cluster().equals(h.name())) {
          out.add(new Planned(m.name(), UUID.fromString(m.uuid()), m.mac(), vm.get()));
        }
      }
    }
    return out;
  }

  /**
   * Defines the VMs that are missing (with {@code dryRun}: only says what it would define) and
   * prints one line per VM.
   *
   * @throws IllegalStateException naming the VM and the libvirt step that failed
   */
  public void ensure(boolean dryRun, PrintStream out) {
    List<Planned> want = planned();
    if (want.isEmpty()) {
      return;
    }
    try (Vms vms = Vms.open(uri)) {
      List<Vms.Vm> have = vms.list();
      for (Planned p : want) {
        Optional<Vms.Vm> byName = have.stream().filter(v -> v.name().equals(p.name())).findFirst();
        Optional<Vms.Vm> byUuid = have.stream().filter(v -> v.uuid().equals(p.uuid())).findFirst();
        if (byName.isPresent() && byName.get().uuid().equals(p.uuid())) {
          out.println("   kept VM " + p.name() + " (uuid " + p.uuid() + ", " + uri + ")");
          continue;
        }
        if (byName.isPresent()) {
          throw new IllegalStateException(
              "a VM named "
                  + p.name()
                  + " exists on "
                  + uri
                  + " with uuid "
                  + byName.get().uuid()
                  + ", not the site's "
                  + p.uuid()
                  + ": remove it (virsh undefine "
                  + p.name()
                  + ") or list it under workers with its mac and uuid");
        }
        if (byUuid.isPresent()) {
          throw new IllegalStateException(
              "uuid "
                  + p.uuid()
                  + " of "
                  + p.name()
                  + " belongs to VM "
                  + byUuid.get().name()
                  + " on "
                  + uri);
        }
        out.println(
            "   define VM "
                + p.name()
                + " (uuid "
                + p.uuid()
                + ", mac "
                + p.mac()
                + ", "
                + p.vm().memoryMib()
                + " MiB, "
                + p.vm().cpus()
                + " CPUs, disks "
                + p.vm().disksGib()
                + " GiB in pool "
                + p.vm().pool()
                + ", network "
                + p.vm().network()
                + ")"
                + (dryRun ? " (dry run)" : ""));
        if (!dryRun) {
          define(vms, p);
        }
      }
    }
  }

  /** The disks, then the domain; the disks are deleted again when the domain cannot be defined. */
  private void define(Vms vms, Planned p) {
    List<Path> disks = new ArrayList<>();
    try {
      List<Integer> sizes = p.vm().disksGib();
      for (int i = 0; i < sizes.size(); i++) {
        String vol = i == 0 ? p.name() : p.name() + "-disk" + i;
        disks.add(vms.createDisk(p.vm().pool(), vol, (long) sizes.get(i) << 30));
      }
      VmSpec spec =
          new VmSpec(
              p.name(),
              p.uuid(),
              p.mac(),
              p.vm().memoryMib(),
              p.vm().cpus(),
              disks.stream().findFirst(),
              Optional.of(p.vm().network()),
              false,
              domainType(),
              Optional.empty());
      defineXml(
          withMoreDisks(spec.xml(), disks.size() < 2 ? List.of() : disks.subList(1, disks.size())));
    } catch (RuntimeException e) {
      if (!vms.exists(p.name())) {
        for (Path d : disks) {
          try {
            vms.deleteDisk(d); // nothing refers to it
          } catch (RuntimeException again) {
            e.addSuppressed(again);
          }
        }
      }
      throw e;
    }
  }

  /** kvm where the host has it, else software emulation. */
  static String domainType() {
    return Files.exists(Path.of("/dev/kvm")) ? "kvm" : "qemu";
  }

  /**
   * {@link VmSpec} attaches one disk ({@code vda}); further ones go after it as {@code vdb}, {@code
   * vdc}, … on the same bus.
   */
  static String withMoreDisks(String xml, List<Path> more) {
    if (more.isEmpty()) {
      return xml;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < more.size(); i++) {
      b.append("    <disk type='file' device='disk'>\n")
          .append("      <driver name='qemu' type='qcow2'/>\n")
          .append("      <source file='")
          .append(
              more.get(i)
                  .toString()
                  .replace("&", "&amp;")
                  .replace("'", "&apos;")
                  .replace("<", "&lt;"))
          .append("'/>\n")
          .append("      <target dev='vd")
          .append((char) ('b' + i))
          .append("' bus='virtio'/>\n")
          .append("    </disk>\n");
    }
    String cdrom = "    <disk type='file' device='cdrom'>";
    int at = xml.indexOf(cdrom);
    if (at < 0) {
      throw new IllegalStateException("no CD drive in the domain XML");
    }
    return xml.substring(0, at) + b + xml.substring(at);
  }

  /** {@link Vms#define} takes a {@link VmSpec} only; a domain with more disks is defined here. */
  private void defineXml(String xml) {
    try {
      Connect c = new Connect(uri, false);
      try {
        Domain d = c.domainDefineXML(xml);
        d.free();
      } finally {
        c.close();
      }
    } catch (LibvirtException e) {
      throw new IllegalStateException("libvirt (" + uri + "): cannot define: " + e.getMessage());
    }
  }
}
