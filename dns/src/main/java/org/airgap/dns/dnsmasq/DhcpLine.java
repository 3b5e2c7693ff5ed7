package org.airgap.dns.dnsmasq;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The DHCP half of a dnsmasq config, routed here for the DHCP server. {@code tags} are the {@code
 * tag:} conditions of a line, {@code sets} its {@code set:} tags.
 */
public sealed interface DhcpLine {
  Source source();

  /** {@code dhcp-host=[MAC…][,set:TAG][,IPv4][,[IPv6]][,HOSTNAME][,LEASE][,ignore]}. */
  record Host(
      Source source,
      List<String> macs,
      List<String> sets,
      List<String> tags,
      Optional<String> hostname,
      List<InetAddress> addresses,
      Optional<String> leaseTime,
      boolean ignore)
      implements DhcpLine {
    public Host {
      macs = List.copyOf(macs);
      sets = List.copyOf(sets);
      tags = List.copyOf(tags);
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * {@code
   * dhcp-range=[tag:T,][set:T,]START[,END|MODE…][,constructor:IFACE][,NETMASK|PREFIX][,LEASE]};
   * with a constructor, START and END are the host part ({@code ::100}) under the interface's
   * prefix.
   */
  record Range(
      Source source,
      List<String> tags,
      List<String> sets,
      InetAddress start,
      Optional<InetAddress> end,
      List<String> modes,
      Optional<InetAddress> netmask,
      Optional<Integer> prefixLength,
      Optional<String> leaseTime,
      Optional<String> constructor)
      implements DhcpLine {
    public Range {
      tags = List.copyOf(tags);
      sets = List.copyOf(sets);
      modes = List.copyOf(modes);
    }
  }

  /**
   * {@code dhcp-option[-force]=[tag:T,…]OPTION,VALUE…} with OPTION a number or {@code option:NAME}.
   */
  record Option(Source source, List<String> tags, String option, String value, boolean force)
      implements DhcpLine {
    public Option {
      tags = List.copyOf(tags);
    }
  }

  /** Any other DHCP line ({@code dhcp-boot}, {@code enable-ra}, {@code dhcp-authoritative}…). */
  record Other(Source source, String key, String value) implements DhcpLine {}
}
