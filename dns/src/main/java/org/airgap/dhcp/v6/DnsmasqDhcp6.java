package org.airgap.dhcp.v6;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.airgap.dhcp.Durations;
import org.airgap.dhcp.Mac;
import org.airgap.dns.Network;
import org.airgap.dns.dnsmasq.DhcpLine;

/**
 * The IPv6 half of a dnsmasq config's DHCP lines: IPv6 {@code dhcp-range} (also with {@code
 * constructor:IFACE}, resolved once at start from the interface's addresses), the {@code [IPv6]} of
 * {@code dhcp-host}, {@code option6:dns-server} and {@code option6:domain-search}, {@code
 * enable-ra} and {@code ra-param}. The DHCPv4 lines are {@code DnsmasqDhcp}'s.
 */
public final class DnsmasqDhcp6 {
  /** What the lines say, and what to tell the operator. */
  public record Result(
      List<Range6> ranges,
      List<Host6> hosts,
      List<Inet6Address> dnsServers,
      List<String> domains,
      boolean enableRa,
      Optional<RaParam> raParam,
      List<String> notes,
      List<String> problems) {
    public Result {
      ranges = List.copyOf(ranges);
      hosts = List.copyOf(hosts);
      dnsServers = List.copyOf(dnsServers);
      domains = List.copyOf(domains);
      notes = List.copyOf(notes);
      problems = List.copyOf(problems);
    }
  }

  /** {@code ra-param=IFACE,[mtu:N|off,][high|low,]INTERVAL[,LIFETIME]}. */
  public record RaParam(
      String ifname, Optional<Integer> mtu, Duration interval, Optional<Duration> lifetime) {}

  private DnsmasqDhcp6() {}

  public static Result convert(List<DhcpLine> lines) {
    List<Range6> ranges = new ArrayList<>();
    List<Host6> hosts = new ArrayList<>();
    List<Inet6Address> dns = new ArrayList<>();
    List<String> domains = new ArrayList<>();
    boolean enableRa = false;
    Optional<RaParam> raParam = Optional.empty();
    List<String> notes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (DhcpLine line : lines) {
      String at = line.source().toString();
      try {
        if (line instanceof DhcpLine.Range r && r.start() instanceof Inet6Address) {
          range(r, at, notes).ifPresent(ranges::add);
        } else if (line instanceof DhcpLine.Host h) {
          host(h, at, notes).ifPresent(hosts::add);
        } else if (line instanceof DhcpLine.Option o && o.option().startsWith("option6:")) {
          String name = o.option().substring("option6:".length());
          if (!o.tags().isEmpty()) {
            notes.add(at + ": tagged DHCPv6 options are sent to every client");
          }
          switch (name) {
            case "dns-server", "23" -> {
              for (String v : o.value().split(",")) {
                InetAddress a = literal(v.trim());
                if (!(a instanceof Inet6Address a6)) {
                  throw new IllegalArgumentException("'" + v + "' is not an IPv6 address");
                }
                if (!a6.isAnyLocalAddress()) { // [::]: this server, the default anyway
                  dns.add(a6);
                }
              }
            }
            case "domain-search", "24" -> {
              for (String v : o.value().split(",")) {
                if (!v.isBlank()) {
                  domains.add(v.trim());
                }
              }
            }
            default -> notes.add(at + ": DHCPv6 option " + name + " is not served; line ignored");
          }
        } else if (line instanceof DhcpLine.Other x) {
          switch (x.key()) {
            case "enable-ra" -> enableRa = true;
            case "ra-param" -> raParam = Optional.of(raParam(x.value()));
            default -> {
              // DHCPv4's or unsupported: DnsmasqDhcp tells
            }
          }
        }
      } catch (IllegalArgumentException e) {
        problems.add(at + ": " + e.getMessage());
      }
    }
    return new Result(ranges, hosts, dns, domains, enableRa, raParam, notes, problems);
  }

  private static InetAddress literal(String s) {
    return org.airgap.dns.Addresses.literal(s);
  }

  private static Optional<Range6> range(DhcpLine.Range r, String at, List<String> notes) {
    if (r.modes().stream().anyMatch(m -> m.startsWith("ra-") || m.equals("slaac"))) {
      notes.add(
          at
              + ": "
              + r.modes()
              + ": only stateful DHCPv6 is served (router advertisements say M=1, A=0);"
              + " the range is served statefully");
    }
    if (!r.tags().isEmpty() || !r.sets().isEmpty()) {
      notes.add(at + ": tag:/set: on DHCPv6 ranges are ignored");
    }
    int prefix = r.prefixLength().orElse(64);
    Inet6Address start = (Inet6Address) r.start();
    Inet6Address end = r.end().map(e -> (Inet6Address) e).orElse(start);
    Optional<Duration> lease = r.leaseTime().map(Durations::parse);
    boolean staticOnly = r.modes().contains("static");
    if (r.constructor().isPresent()) {
      String ifname = r.constructor().get();
      Optional<Network> net =
          IfAddresses.of(ifname.replace("*", "")).stream()
              .filter(e -> !e.linkLocal())
              .map(e -> new Network(e.address(), prefix))
              .findFirst();
      if (net.isEmpty()) {
        notes.add(
            at
                + ": constructor:"
                + ifname
                + ": the interface has no global IPv6 address now; range skipped (it is"
                + " resolved once, at start)");
        return Optional.empty();
      }
      start = under(net.get(), start);
      end = under(net.get(), end);
    }
    return Optional.of(new Range6(new Network(start, prefix), start, end, lease, staticOnly));
  }

  /** {@code host}'s interface-id bits under {@code net}'s prefix. */
  static Inet6Address under(Network net, Inet6Address host) {
    byte[] p = net.address().getAddress();
    byte[] h = host.getAddress();
    for (int i = 0; i < 16; i++) {
      int keep = Math.max(0, Math.min(8, net.prefix() - i * 8));
      int mask = 0xff00 >> keep;
      p[i] = (byte) ((p[i] & mask) | (h[i] & ~mask & 0xff));
    }
    return Dhcp6Message.v6(p);
  }

  private static Optional<Host6> host(DhcpLine.Host h, String at, List<String> notes) {
    Optional<Inet6Address> v6 =
        h.addresses().stream()
            .filter(Inet6Address.class::isInstance)
            .map(Inet6Address.class::cast)
            .findFirst();
    if (v6.isEmpty() && h.macs().stream().noneMatch(m -> m.startsWith("id:"))) {
      return Optional.empty(); // DHCPv4 only
    }
    List<String> macs = new ArrayList<>();
    Optional<Duid> duid = Optional.empty();
    for (String m : h.macs()) {
      if (m.startsWith("id:")) {
        String id = m.substring(3);
        if (id.matches("([0-9a-fA-F]{2}:){3,}[0-9a-fA-F]{2}")) {
          duid = Optional.of(Duid.parse(id)); // dnsmasq: a DHCPv6 client's DUID
        }
      } else if (!m.matches("\\d+-.*")) {
        Mac.parse(m.replace("*", "00")); // validates the form
        macs.add(m);
      }
    }
    if (macs.isEmpty() && duid.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Host6(macs, duid, v6, h.hostname(), h.leaseTime().map(Durations::parse), h.ignore()));
  }

  static RaParam raParam(String value) {
    String[] p = value.split(",");
    if (p.length < 2) {
      throw new IllegalArgumentException(
          "ra-param takes IFACE,[mtu:N|off,][high|low,]INTERVAL[,LIFETIME]");
    }
    int i = 1;
    Optional<Integer> mtu = Optional.empty();
    if (p[i].startsWith("mtu:")) {
      String m = p[i++].substring(4);
      if (!m.equals("off") && m.matches("\\d+")) {
        mtu = Optional.of(Integer.parseInt(m));
      }
    }
    if (i < p.length && (p[i].equals("high") || p[i].equals("low"))) {
      i++;
    }
    if (i >= p.length || !p[i].trim().matches("\\d+")) {
      throw new IllegalArgumentException("ra-param: the interval is a number of seconds");
    }
    Duration interval = Duration.ofSeconds(Long.parseLong(p[i++].trim()));
    Optional<Duration> lifetime =
        i < p.length && p[i].trim().matches("\\d+")
            ? Optional.of(Duration.ofSeconds(Long.parseLong(p[i].trim())))
            : Optional.empty();
    return new RaParam(p[0].trim(), mtu, interval, lifetime);
  }
}
