package org.airgap.appliance.config;

import java.util.List;
import java.util.Map;
import org.airgap.dhcp.Durations;
import org.airgap.dhcp.Mac;
import org.airgap.dhcp.OptionValue;
import org.airgap.dhcp.StaticHost;

/**
 * {@code dhcp:} DHCPv4 and DHCPv6 with router advertisements; off by default. The dnsmasq files of
 * {@code dnsmasq.conf-files} add their {@code dhcp-range}, {@code dhcp-host}, {@code dhcp-option},
 * {@code enable-ra} and {@code ra-param} lines to what this section lists. DHCPv6 runs when there
 * is an IPv6 range or host.
 *
 * @param interfaces interfaces served; empty: those named by dnsmasq {@code interface=} / {@code
 *     listen-address=} lines, else every interface with an address inside a range
 * @param ranges dynamic ranges, IPv4 or IPv6
 * @param hosts static hosts by MAC or client identifier
 * @param options DHCP options by dnsmasq name or number ({@code ntp-server: 0.0.0.0}, {@code mtu:
 *     "9000"}); {@code 0.0.0.0} is the server's own address
 * @param leaseTime default lease time ({@code 1h}; {@code 45m}, {@code 12h}, {@code infinite})
 * @param authoritative answer requests for unknown addresses with NAK (dnsmasq {@code
 *     dhcp-authoritative})
 * @param leaseMax most dynamic leases at once
 * @param ignoreUnknown answer only clients listed in hosts ({@code dhcp-ignore=tag:!known})
 * @param rapidCommit DHCPv6: answer a SOLICIT that carries Rapid Commit with a REPLY at once
 * @param dnsServers6 DHCPv6 option 23; empty: the server's own address on the client's link
 * @param ra router advertisements (replacing radvd) on the interfaces DHCPv6 serves
 */
public record DhcpSection(
    Boolean enabled,
    List<String> interfaces,
    List<Range> ranges,
    List<Host> hosts,
    Map<String, String> options,
    String leaseTime,
    Boolean authoritative,
    Integer leaseMax,
    Boolean ignoreUnknown,
    Boolean rapidCommit,
    List<String> dnsServers6,
    Ra ra) {

  /**
   * A dynamic range {@code start}–{@code end}; prefix: IPv4 the served interface's, else 24; IPv6
   * 64.
   */
  public record Range(String start, String end, Integer prefix, String leaseTime) {}

  /**
   * A static host: the client with {@code mac}, or sending {@code clientId} (option 61, dnsmasq's
   * {@code id:} forms: hex octets {@code 01:52:54:00:aa:10:01} or text), gets {@code address} and
   * {@code name}; a client-identifier match wins over a MAC match. DHCPv6 gives the host with
   * {@code mac} the IPv6 {@code address6}.
   */
  public record Host(
      String mac,
      String address,
      String name,
      String leaseTime,
      String clientId,
      String address6) {}

  /**
   * Router advertisements: M=1, O=1, the DHCPv6 ranges' prefixes on-link with A=0.
   *
   * @param enabled send them whenever DHCPv6 serves (needs CAP_NET_RAW)
   * @param interfaces where; empty: the interfaces DHCPv6 serves
   * @param interval seconds between unsolicited advertisements at most (4-1800)
   * @param routerLifetime seconds the clients keep this host as their IPv6 default router (0-9000;
   *     0: not a default router)
   * @param rdnss DNS servers advertised in the RDNSS option; empty: no option
   * @param mtu the MTU option; 0: none
   */
  public record Ra(
      Boolean enabled,
      List<String> interfaces,
      Integer interval,
      Integer routerLifetime,
      List<String> rdnss,
      Integer mtu) {
    public Ra {
      enabled = enabled == null || enabled;
      interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
      interval = interval == null ? 600 : interval;
      routerLifetime = routerLifetime == null ? 1800 : routerLifetime;
      rdnss = rdnss == null ? List.of() : List.copyOf(rdnss);
      mtu = mtu == null ? 0 : mtu;
    }

    public static Ra defaults() {
      return new Ra(null, null, null, null, null, null);
    }
  }

  public DhcpSection {
    enabled = enabled != null && enabled;
    interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
    ranges = ranges == null ? List.of() : List.copyOf(ranges);
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    options =
        options == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
    leaseTime = leaseTime == null ? "1h" : leaseTime;
    authoritative = authoritative != null && authoritative;
    leaseMax = leaseMax == null ? 1000 : leaseMax;
    ignoreUnknown = ignoreUnknown != null && ignoreUnknown;
    rapidCommit = rapidCommit == null || rapidCommit;
    dnsServers6 = dnsServers6 == null ? List.of() : List.copyOf(dnsServers6);
    ra = ra == null ? Ra.defaults() : ra;
  }

  void validate(Problems p) {
    p.check("dhcp.lease-time", () -> Durations.parse(leaseTime));
    if (leaseMax < 1) {
      p.add("dhcp.lease-max", "must be at least 1", "1000 is the default");
    }
    for (int i = 0; i < ranges.size(); i++) {
      Range r = ranges.get(i);
      p.check("dhcp.ranges[" + i + "]", () -> range(r));
    }
    for (int i = 0; i < hosts.size(); i++) {
      Host h = hosts.get(i);
      p.check(
          "dhcp.hosts[" + i + "]",
          () -> {
            if (h.mac() == null && h.clientId() == null) {
              throw new IllegalArgumentException("needs mac or client-id");
            }
            if (h.mac() != null) {
              Mac.parse(h.mac());
            }
            if (h.clientId() != null) {
              StaticHost.clientId(h.clientId());
            }
            if (h.address() != null
                && !(Addresses.literal(h.address()) instanceof java.net.Inet4Address)) {
              throw new IllegalArgumentException("address must be IPv4 (address6: IPv6)");
            }
            if (h.address6() != null
                && !(Addresses.literal(h.address6()) instanceof java.net.Inet6Address)) {
              throw new IllegalArgumentException("address6 must be IPv6");
            }
            if (h.address6() != null && h.mac() == null) {
              throw new IllegalArgumentException("address6 needs mac (DHCPv6 finds hosts by MAC)");
            }
            if (h.leaseTime() != null) {
              Durations.parse(h.leaseTime());
            }
          });
    }
    options.forEach((k, v) -> p.check("dhcp.options." + k, () -> OptionValue.named(k, v)));
    for (int i = 0; i < dnsServers6.size(); i++) {
      String a = dnsServers6.get(i);
      p.check(
          "dhcp.dns-servers6[" + i + "]",
          () -> {
            if (!(Addresses.literal(a) instanceof java.net.Inet6Address)) {
              throw new IllegalArgumentException("must be an IPv6 address");
            }
          });
    }
    p.check("dhcp.ra", () -> raConfig(ra));
  }

  /** The router advertiser's config (its checks: RFC 4861's bounds). */
  public static org.airgap.dhcp.v6.RaConfig raConfig(Ra ra) {
    List<java.net.Inet6Address> rdnss = new java.util.ArrayList<>();
    for (String a : ra.rdnss()) {
      if (!(Addresses.literal(a) instanceof java.net.Inet6Address a6)) {
        throw new IllegalArgumentException("rdnss: '" + a + "' is not an IPv6 address");
      }
      rdnss.add(a6);
    }
    return org.airgap.dhcp.v6.RaConfig.off()
        .withEnabled(ra.enabled())
        .withInterfaces(ra.interfaces())
        .withInterval(java.time.Duration.ofSeconds(ra.interval()))
        .withRouterLifetime(java.time.Duration.ofSeconds(ra.routerLifetime()))
        .withRdnss(rdnss)
        .withMtu(ra.mtu() == 0 ? java.util.Optional.empty() : java.util.Optional.of(ra.mtu()));
  }

  static void range(Range r) {
    if (r.start() == null || r.end() == null) {
      throw new IllegalArgumentException("needs start and end");
    }
    if (isV6(r)) {
      if (!(Addresses.literal(r.end()) instanceof java.net.Inet6Address)) {
        throw new IllegalArgumentException("start and end must both be IPv4 or both IPv6");
      }
      range6(r);
    } else if (!(Addresses.literal(r.start()) instanceof java.net.Inet4Address)
        || !(Addresses.literal(r.end()) instanceof java.net.Inet4Address)) {
      throw new IllegalArgumentException("start and end must both be IPv4 or both IPv6");
    } else if (r.prefix() != null && (r.prefix() < 8 || r.prefix() > 30)) {
      throw new IllegalArgumentException("prefix must be 8-30");
    }
    if (r.leaseTime() != null) {
      Durations.parse(r.leaseTime());
    }
  }

  /** Whether a range is IPv6. */
  public static boolean isV6(Range r) {
    return Addresses.literal(r.start()) instanceof java.net.Inet6Address;
  }

  /** An IPv6 range as the DHCPv6 server takes it (prefix 64 unless given: 48-128). */
  public static org.airgap.dhcp.v6.Range6 range6(Range r) {
    int prefix = r.prefix() == null ? 64 : r.prefix();
    if (prefix < 48 || prefix > 128) {
      throw new IllegalArgumentException("an IPv6 range's prefix must be 48-128");
    }
    java.net.Inet6Address start = (java.net.Inet6Address) Addresses.literal(r.start());
    return new org.airgap.dhcp.v6.Range6(
        new org.airgap.dns.Network(start, prefix),
        start,
        (java.net.Inet6Address) Addresses.literal(r.end()),
        java.util.Optional.ofNullable(r.leaseTime()).map(Durations::parse),
        false);
  }

  /** Every key at its default. */
  public static DhcpSection defaults() {
    return new DhcpSection(null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
