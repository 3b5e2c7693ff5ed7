package org.airgap.dhcp.v6;

import java.time.Duration;
import org.airgap.dhcp.NetnsHarness;

/**
 * IPv6 on the harness's veth: the server side gets {@code fd99::1/64}, duplicate address detection
 * is off on both sides (no tentative addresses to wait for) and both link-local addresses are
 * usable when this returns.
 */
final class Net6Setup {
  static final String SERVER6 = "fd99::1";

  private Net6Setup() {}

  static void enable(NetnsHarness net) {
    for (String[] side : new String[][] {{net.server, net.serverIf}, {net.client, net.clientIf}}) {
      net.in(
          side[0],
          "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
              + " net.ipv6.conf."
              + side[1]
              + ".accept_dad=0");
    }
    net.in(net.server, "ip -6 addr add " + SERVER6 + "/64 dev " + net.serverIf + " nodad");
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (String ns : new String[] {net.server, net.client}) {
      while (!net.in(ns, "ip -6 addr show tentative").isBlank()
          || !net.in(ns, "ip -6 addr show scope link").contains("fe80")) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException(ns + ": link-local address still tentative");
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }
}
