package org.airgap.appliance.cli;

import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.RedfishSection;
import org.airgap.appliance.config.Urls;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code airgap vm …}: libvirt VMs for the Redfish facade's libvirt backend. */
@Command(
    name = "vm",
    description = "Create and list libvirt VMs with their BareMetalHost BMC addresses.",
    subcommands = {VmCreateCommand.class, VmListCommand.class})
public final class VmCommand implements Runnable {
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /**
   * The BMC address of a machine for its BareMetalHost: {@code redfish-virtualmedia://HOST:PORT
   * /redfish/v1/Systems/UUID}, from {@code redfish.advertise} or {@code site.hostname} and the
   * first {@code redfish.listen} port (IPv6 literals bracketed), the form the control module
   * renders.
   */
  static String bmcAddress(AirgapConfig cfg, java.util.UUID uuid) {
    RedfishSection r = cfg.redfish();
    int port = r.listen().isEmpty() ? 9000 : r.listen().get(0).port();
    return "redfish-virtualmedia://"
        + new Urls(cfg.site()).hostPort(r.advertise(), port)
        + "/redfish/v1/Systems/"
        + uuid;
  }
}
