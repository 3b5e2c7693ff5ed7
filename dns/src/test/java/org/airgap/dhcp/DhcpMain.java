package org.airgap.dhcp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.airgap.dns.Network;

/**
 * A DHCPv4 server as its own process, for the kill -9 test and the benchmark: {@code DhcpMain
 * LEASEFILE IFNAME NETWORK START END [STATIC_MAC STATIC_IP]}. Prints {@code ready} once serving.
 */
public final class DhcpMain {
  private DhcpMain() {}

  public static void main(String[] a) throws Exception {
    DhcpConfig c =
        DhcpConfig.of(Path.of(a[0]))
            .withInterfaces(List.of(a[1]))
            .withPools(
                List.of(
                    new Pool(
                        Network.parse(a[2]),
                        Requests.ip(a[3]),
                        Requests.ip(a[4]),
                        Optional.of(Duration.ofHours(1)),
                        List.of(),
                        List.of(),
                        false)))
            .withLeaseMax(100_000)
            .withDomain(Optional.of("lab.example"));
    if (a.length > 6) {
      c =
          c.withHosts(
              List.of(
                  new StaticHost(
                      List.of(a[5]),
                      Optional.of(Requests.ip(a[6])),
                      Optional.of("static-0"),
                      Optional.empty(),
                      List.of(),
                      false)));
    }
    DhcpServer s = new DhcpServer(c, LeaseListener.NONE);
    s.start();
    System.out.println("ready");
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    Thread.sleep(Long.MAX_VALUE);
  }
}
