package org.airgap.appliance.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.services.DhcpUnit;
import org.airgap.dhcp.DhcpServer;
import org.airgap.dhcp.Lease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code airgap dhcp leases}: the DHCP leases on disk (works while the daemon runs). */
@Command(
    name = "dhcp",
    description = "DHCP leases.",
    subcommands = {DhcpCommand.Leases.class})
public final class DhcpCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("usage: airgap dhcp leases [--config FILE]");
    return 2;
  }

  /** Lists the live leases: MAC, address, name, expiry. */
  @Command(name = "leases", description = "List the DHCP leases (MAC, address, name, expiry).")
  public static final class Leases implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      AirgapConfig cfg = config.load();
      List<Lease> leases = DhcpServer.readLeases(DhcpUnit.leaseFile(cfg));
      System.out.print(render(leases, Instant.now()));
      return 0;
    }

    static String render(List<Lease> leases, Instant now) {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("%-17s  %-15s  %-24s  %s%n", "MAC", "ADDRESS", "NAME", "EXPIRES"));
      for (Lease l : leases) {
        String exp =
            l.expires().equals(Lease.NEVER)
                ? "never"
                : l.expires()
                    + " (in "
                    + (l.expires().getEpochSecond() - now.getEpochSecond())
                    + "s)";
        sb.append(
            String.format(
                "%-17s  %-15s  %-24s  %s%n",
                l.mac(), l.address().getHostAddress(), l.hostname().orElse("-"), exp));
      }
      return sb.toString();
    }
  }
}
