package org.airgap.appliance.config;

import java.util.List;
import java.util.Map;
import org.airgap.dhcp.Durations;
import org.airgap.dhcp.Mac;
import org.airgap.dhcp.OptionValue;
import org.airgap.dhcp.StaticHost;

/**
 * {@code dhcp:} DHCPv4; off by default. The dnsmasq files of {@code dnsmasq.conf-files} add their
 * {@code dhcp-range}, {@code dhcp-host} and {@code dhcp-option} lines to what this section lists.
 *
 * @param interfaces interfaces served; empty: those named by dnsmasq {@code interface=} / {@code
 *     listen-address=} lines, else every interface with an address inside a range
 * @param ranges dynamic ranges
 * @param hosts static hosts by MAC or client identifier
 * @param options DHCP options by dnsmasq name or number ({@code ntp-server: 0.0.0.0}, {@code mtu:
 *     "9000"}); {@code 0.0.0.0} is the server's own address
 * @param leaseTime default lease time ({@code 1h}; {@code 45m}, {@code 12h}, {@code infinite})
 * @param authoritative answer requests for unknown addresses with NAK (dnsmasq {@code
 *     dhcp-authoritative})
 * @param leaseMax most dynamic leases at once
 * @param ignoreUnknown answer only clients listed in hosts ({@code dhcp-ignore=tag:!known})
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
    Boolean ignoreUnknown) {

  /** A dynamic range {@code start}–{@code end}; prefix: the served interface's, else 24. */
  public record Range(String start, String end, Integer prefix, String leaseTime) {}

  /**
   * A static host: the client with {@code mac}, or sending {@code clientId} (option 61, dnsmasq's
   * {@code id:} forms: hex octets {@code 01:52:54:00:aa:10:01} or text), gets {@code address} and
   * {@code name}; a client-identifier match wins over a MAC match.
   */
  public record Host(String mac, String address, String name, String leaseTime, String clientId) {}

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
              throw new IllegalArgumentException("address must be IPv4");
            }
            if (h.leaseTime() != null) {
              Durations.parse(h.leaseTime());
            }
          });
    }
    options.forEach((k, v) -> p.check("dhcp.options." + k, () -> OptionValue.named(k, v)));
  }

  static void range(Range r) {
    if (r.start() == null || r.end() == null) {
      throw new IllegalArgumentException("needs start and end");
    }
    if (!(Addresses.literal(r.start()) instanceof java.net.Inet4Address)
        || !(Addresses.literal(r.end()) instanceof java.net.Inet4Address)) {
      throw new IllegalArgumentException("start and end must be IPv4 addresses");
    }
    if (r.prefix() != null && (r.prefix() < 8 || r.prefix() > 30)) {
      throw new IllegalArgumentException("prefix must be 8-30");
    }
    if (r.leaseTime() != null) {
      Durations.parse(r.leaseTime());
    }
  }

  /** Every key at its default. */
  public static DhcpSection defaults() {
    return new DhcpSection(null, null, null, null, null, null, null, null, null);
  }
}
