package org.airgap.appliance.cli;

import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.redfish.libvirt.Vms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code airgap vm list}: every VM with the BMC address for its BareMetalHost. */
@Command(name = "list", description = "Every VM with the BMC address for its BareMetalHost.")
public final class VmListCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(
      names = "--uri",
      paramLabel = "URI",
      description = "libvirt connection (default: redfish.libvirt-uri, qemu:///system).")
  String uri;

  @Override
  public Integer call() {
    AirgapConfig cfg = config.load();
    String u = uri != null ? uri : cfg.redfish().libvirtUri();
    try (Vms vms = Vms.open(u)) {
      System.out.printf("%-24s %-36s %-17s %-13s %s%n", "NAME", "UUID", "MAC", "STATE", "BMC");
      for (Vms.Vm vm : vms.list()) {
        System.out.printf(
            "%-24s %-36s %-17s %-13s %s%n",
            vm.name(),
            vm.uuid(),
            vm.mac().orElse("-"),
            vm.state(),
            VmCommand.bmcAddress(cfg, vm.uuid()));
      }
      return 0;
    } catch (IllegalStateException e) {
      System.err.println("airgap: " + e.getMessage());
      return 1;
    }
  }
}
