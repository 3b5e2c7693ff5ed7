package org.airgap.appliance.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.libvirt.VmSpec;
import org.airgap.redfish.libvirt.Vms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code airgap vm create NAME}: defines a VM the way {@code kcli create vm -P start=False -P
 * uefi_legacy=true …} does in the procedure: q35, a qcow2 disk in a storage pool, always an empty
 * SATA CD drive (for Redfish virtual media), one NIC on a libvirt network; started unless {@code
 * --no-start}. Prints the BMC address for its BareMetalHost.
 */
@Command(name = "create", description = "Define (and start) a VM with an empty CD drive.")
public final class VmCreateCommand implements Callable<Integer> {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);

  @Mixin ConfigOption config;

  @Parameters(index = "0", paramLabel = "NAME", description = "The VM (and Redfish system) name.")
  String name;

  @Option(names = "--mac", description = "MAC of the NIC (default: derived from the UUID).")
  String mac;

  @Option(names = "--uuid", description = "Domain UUID (default: derived from the name).")
  UUID uuid;

  @Option(
      names = "--memory",
      paramLabel = "SIZE",
      description = "Memory: MiB, or with a unit (16G, 16GiB). Default: ${DEFAULT-VALUE}.",
      defaultValue = "16G")
  String memory;

  @Option(names = "--cpus", description = "vCPUs. Default: ${DEFAULT-VALUE}.", defaultValue = "4")
  int cpus;

  @Option(
      names = "--disk",
      paramLabel = "SIZE",
      description = "A qcow2 disk: GiB, or with a unit (120G). Default: no disk.")
  String disk;

  @Option(
      names = "--pool",
      paramLabel = "POOL",
      description = "Storage pool of the disk. Default: ${DEFAULT-VALUE}.",
      defaultValue = "default")
  String pool;

  @Option(names = "--network", paramLabel = "NAME", description = "libvirt network of the NIC.")
  String network;

  @Option(names = "--uefi", description = "UEFI firmware (Secure Boot off); default legacy BIOS.")
  boolean uefi;

  @Option(
      names = "--domain-type",
      paramLabel = "TYPE",
      description = "kvm, or qemu for software emulation. Default: ${DEFAULT-VALUE}.",
      defaultValue = "kvm")
  String domainType;

  @Option(names = "--no-start", description = "Define the VM without starting it.")
  boolean noStart;

  @Option(
      names = "--uri",
      paramLabel = "URI",
      description = "libvirt connection (default: redfish.libvirt-uri, qemu:///system).")
  String uri;

  @Override
  public Integer call() {
    AirgapConfig cfg = config.load();
    UUID id = uuid != null ? uuid : Machine.uuidFor(name);
    String nic;
    long memMiB;
    Optional<Long> diskBytes;
    try {
      nic = mac != null ? mac.toLowerCase(Locale.ROOT) : macFor(id);
      memMiB = bytes(memory, "M", "--memory") >> 20;
      diskBytes = disk == null ? Optional.empty() : Optional.of(bytes(disk, "G", "--disk"));
      spec(id, nic, memMiB, Optional.empty()); // everything checked before libvirt is touched
    } catch (IllegalArgumentException e) {
      System.err.println("airgap: " + e.getMessage());
      return 2;
    }
    String u = uri != null ? uri : cfg.redfish().libvirtUri();
    try (Vms vms = Vms.open(u)) {
      if (vms.exists(name)) {
        throw new IllegalStateException("a VM named " + name + " already exists on " + u);
      }
      Optional<Path> path = diskBytes.map(b -> vms.createDisk(pool, name, b));
      try {
        vms.define(spec(id, nic, memMiB, path), !noStart);
      } catch (IllegalStateException e) {
        if (!vms.exists(name)) {
          path.ifPresent(vms::deleteDisk); // nothing refers to it
        }
        throw e;
      }
      System.out.printf("%s %s: uuid %s, mac %s%n", noStart ? "defined" : "started", name, id, nic);
      System.out.println("bmc: " + VmCommand.bmcAddress(cfg, id));
      return 0;
    } catch (IllegalStateException e) {
      System.err.println("airgap: " + e.getMessage());
      return 1;
    }
  }

  private VmSpec spec(UUID id, String nic, long memMiB, Optional<Path> diskPath) {
    if (memMiB > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--memory " + memory + " is too large");
    }
    return new VmSpec(
        name,
        id,
        nic,
        (int) memMiB,
        cpus,
        diskPath,
        Optional.ofNullable(network),
        uefi,
        domainType,
        Optional.empty());
  }

  /** A locally administered-looking KVM MAC from the UUID: {@code 52:54:00:HH:HH:HH}. */
  static String macFor(UUID id) {
    String h = id.toString().replace("-", "");
    return "52:54:00:" + h.substring(0, 2) + ":" + h.substring(2, 4) + ":" + h.substring(4, 6);
  }

  /** "16G", "16GiB", "512M", or a bare number in {@code unit}; bytes. */
  static long bytes(String text, String unit, String option) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option + " " + text + ": not a size (for example 16G, 16GiB, 512M)");
    }
    String u = m.group(2).isEmpty() ? unit : m.group(2).toUpperCase(Locale.ROOT);
    int shift =
        switch (u) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          default -> 40;
        };
    long n = m.group(1).length() > 18 ? -1 : Long.parseLong(m.group(1));
    if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException(option + " " + text + ": out of range");
    }
    return n << shift;
  }
}
