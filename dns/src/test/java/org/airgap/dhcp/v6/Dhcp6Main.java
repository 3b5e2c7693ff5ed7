package org.airgap.dhcp.v6;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.airgap.dns.Network;

/**
 * A DHCPv6 server as its own process, for the kill -9 and capability tests: {@code Dhcp6Main
 * LEASEFILE IFNAME NETWORK START END [ra]} ({@code ra}: router advertisements every 4 s at most).
 * Prints {@code ready} once serving.
 */
public final class Dhcp6Main {
  private Dhcp6Main() {}

  public static void main(String[] a) throws Exception {
    Dhcp6Config c =
        Dhcp6Config.of(Path.of(a[0]))
            .withInterfaces(List.of(a[1]))
            .withRanges(
                List.of(
                    new Range6(
                        Network.parse(a[2]),
                        Client6.ip6(a[3]),
                        Client6.ip6(a[4]),
                        Optional.of(Duration.ofHours(1)),
                        false)))
            .withLeaseMax(100_000)
            .withDomains(List.of("lab.example"));
    RaConfig ra =
        RaConfig.off()
            .withEnabled(a.length > 5 && a[5].equals("ra"))
            .withInterval(Duration.ofSeconds(4));
    Dhcp6Server s = new Dhcp6Server(c, ra, Lease6Listener.NONE);
    s.start();
    System.out.println("ready");
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    Thread.sleep(Long.MAX_VALUE);
  }
}
