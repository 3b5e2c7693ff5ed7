package org.airgap.appliance.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.services.DhcpUnit;
import org.airgap.dhcp.DhcpServer;
import org.airgap.dhcp.Lease;
import org.airgap.dhcp.v6.Dhcp6Server;
import org.airgap.dhcp.v6.Lease6;
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
  @Command(
      name = "leases",
      description = "List the DHCP leases (MAC, address, name, expiry; DHCPv6 bindings after).")
  public static final class Leases implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      AirgapConfig cfg = config.load();
      List<Lease> leases = DhcpServer.readLeases(DhcpUnit.leaseFile(cfg));
      System.out.print(render(leases, Instant.now()));
      List<Lease6> leases6 = Dhcp6Server.readLeases(DhcpUnit.leaseFile6(cfg));
      if (!leases6.isEmpty()) {
        System.out.println();
        System.out.print(render6(leases6, Instant.now()));
      }
      return 0;
    }

    /** The DHCPv6 bindings: MAC (when known), IAID, address, name, expiry, DUID. */
    static String render6(List<Lease6> leases, Instant now) {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              "%-17s  %-10s  %-39s  %-24s  %-40s  %s%n",
              "MAC", "IAID", "ADDRESS6", "NAME", "EXPIRES", "DUID"));
      for (Lease6 l : leases) {
        String exp = expiry(l.expires(), now);
        sb.append(
            String.format(
                "%-17s  %-10d  %-39s  %-24s  %-40s  %s%n",
                l.mac().map(Object::toString).orElse("-"),
                l.iaid(),
                l.address().getHostAddress(),
                l.hostname().orElse("-"),
                exp,
                l.duid()));
      }
      return sb.toString();
    }

    /** "never" for an infinite lease (v4 or v6), else the instant and the seconds left. */
    static String expiry(Instant expires, Instant now) {
      return expires.equals(Lease.NEVER)
          ? "never"
          : expires + " (in " + (expires.getEpochSecond() - now.getEpochSecond()) + "s)";
    }

    static String render(List<Lease> leases, Instant now) {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("%-17s  %-15s  %-24s  %s%n", "MAC", "ADDRESS", "NAME", "EXPIRES"));
      for (Lease l : leases) {
        String exp = expiry(l.expires(), now);
        sb.append(
            String.format(
                "%-17s  %-15s  %-24s  %s%n",
                l.mac(), l.address().getHostAddress(), l.hostname().orElse("-"), exp));
      }
      return sb.toString();
    }
  }
}
