package org.airgap.dhcp.v6;

import java.net.Inet6Address;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.airgap.dns.Network;

/**
 * Router advertisements (RFC 4861), replacing radvd: sent on every interface DHCPv6 serves (or
 * {@code interfaces}), periodically and in answer to router solicitations, with M=1 and O=1 (get
 * addresses and options from DHCPv6), each prefix on-link with autonomous addressing off, and a
 * non-zero router lifetime (the clusters' IPv6 default route).
 *
 * @param interfaces where to advertise; empty: the interfaces DHCPv6 serves
 * @param interval the longest time between unsolicited advertisements (4 s to 1800 s; each wait is
 *     drawn between a third of it and it, RFC 4861 section 6.2.4)
 * @param routerLifetime how long clients keep this router as their default (0 to 9000 s; 0: not a
 *     default router)
 * @param prefixes the prefixes to advertise; empty: the networks of the DHCPv6 ranges on the link,
 *     else the link's /64s
 * @param rdnss recursive DNS servers to advertise (RFC 8106); empty: none
 * @param mtu the MTU option, when set
 */
public record RaConfig(
    boolean enabled,
    List<String> interfaces,
    Duration interval,
    Duration routerLifetime,
    List<Network> prefixes,
    List<Inet6Address> rdnss,
    Optional<Integer> mtu) {
  public RaConfig {
    interfaces = List.copyOf(interfaces);
    prefixes = List.copyOf(prefixes);
    rdnss = List.copyOf(rdnss);
    if (interval.toSeconds() < 4 || interval.toSeconds() > 1800) {
      throw new IllegalArgumentException("the RA interval must be 4s to 1800s (RFC 4861)");
    }
    if (routerLifetime.isNegative() || routerLifetime.toSeconds() > 9000) {
      throw new IllegalArgumentException("the router lifetime must be 0 to 9000 seconds");
    }
    if (mtu.isPresent() && (mtu.get() < 1280 || mtu.get() > 65535)) {
      throw new IllegalArgumentException("an IPv6 MTU is 1280 to 65535");
    }
  }

  /** Off; radvd's defaults (600 s interval, 1800 s router lifetime) once enabled. */
  public static RaConfig off() {
    return new RaConfig(
        false,
        List.of(),
        Duration.ofSeconds(600),
        Duration.ofSeconds(1800),
        List.of(),
        List.of(),
        Optional.empty());
  }

  public RaConfig withEnabled(boolean v) {
    return new RaConfig(v, interfaces, interval, routerLifetime, prefixes, rdnss, mtu);
  }

  public RaConfig withInterfaces(List<String> v) {
    return new RaConfig(enabled, v, interval, routerLifetime, prefixes, rdnss, mtu);
  }

  public RaConfig withInterval(Duration v) {
    return new RaConfig(enabled, interfaces, v, routerLifetime, prefixes, rdnss, mtu);
  }

  public RaConfig withRouterLifetime(Duration v) {
    return new RaConfig(enabled, interfaces, interval, v, prefixes, rdnss, mtu);
  }

  public RaConfig withPrefixes(List<Network> v) {
    return new RaConfig(enabled, interfaces, interval, routerLifetime, v, rdnss, mtu);
  }

  public RaConfig withRdnss(List<Inet6Address> v) {
    return new RaConfig(enabled, interfaces, interval, routerLifetime, prefixes, v, mtu);
  }

  public RaConfig withMtu(Optional<Integer> v) {
    return new RaConfig(enabled, interfaces, interval, routerLifetime, prefixes, rdnss, v);
  }
}
