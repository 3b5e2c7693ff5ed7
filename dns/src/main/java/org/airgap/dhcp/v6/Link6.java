package org.airgap.dhcp.v6;

import java.net.Inet6Address;
import java.util.List;
import org.airgap.dns.Network;

/**
 * A served interface: its name and index, the server's link-local address on it, its global address
 * (the DNS server option's default; the link-local one when it has none) and the IPv6 networks on
 * it.
 */
public record Link6(
    String ifname, int index, Inet6Address linkLocal, Inet6Address self, List<Network> networks) {
  public Link6 {
    networks = List.copyOf(networks);
  }
}
