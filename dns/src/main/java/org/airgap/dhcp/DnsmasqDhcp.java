package org.airgap.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.airgap.dns.Network;
import org.airgap.dns.dnsmasq.DhcpLine;

/**
 * Turns the DHCP lines of a dnsmasq config into the server's pools, hosts and options. What airgap
 * does not serve is a note naming the line; a bad value is a problem naming the line.
 */
public final class DnsmasqDhcp {
  private static final Set<String> QUIET =
      Set.of("log-dhcp", "quiet-dhcp", "quiet-dhcp6", "quiet-ra");

  /** What the lines say, and what to tell the operator. */
  public record Result(
      List<Pool> pools,
      List<StaticHost> hosts,
      List<OptionRule> options,
      Optional<Boolean> authoritative,
      Optional<Integer> leaseMax,
      List<List<String>> ignore,
      List<String> notes,
      List<String> problems) {
    public Result {
      pools = List.copyOf(pools);
      hosts = List.copyOf(hosts);
      options = List.copyOf(options);
      ignore = List.copyOf(ignore);
      notes = List.copyOf(notes);
      problems = List.copyOf(problems);
    }
  }

  private DnsmasqDhcp() {}

  public static Result convert(List<DhcpLine> lines) {
    List<Pool> pools = new ArrayList<>();
    List<StaticHost> hosts = new ArrayList<>();
    List<OptionRule> options = new ArrayList<>();
    Optional<Boolean> authoritative = Optional.empty();
    Optional<Integer> leaseMax = Optional.empty();
    List<List<String>> ignore = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (DhcpLine line : lines) {
      String at = line.source().toString();
      try {
        if (line instanceof DhcpLine.Range r) {
          if (r.start() instanceof Inet4Address) {
            pools.add(pool(r));
          } // IPv6 ranges: org.airgap.dhcp.v6.DnsmasqDhcp6
        } else if (line instanceof DhcpLine.Host h) {
          host(h, at, notes).ifPresent(hosts::add);
        } else if (line instanceof DhcpLine.Option o) {
          if (o.tags().stream().anyMatch(t -> t.contains(":"))) {
            notes.add(at + ": encap:/vendor: options are not supported; line ignored");
          } else if (!o.option().startsWith("option6:")) { // option6: DnsmasqDhcp6
            options.add(
                new OptionRule(o.tags(), OptionValue.parse(o.option(), o.value()), o.force()));
          }
        } else if (line instanceof DhcpLine.Other x) {
          switch (x.key()) {
            case "dhcp-authoritative" -> authoritative = Optional.of(true);
            case "dhcp-lease-max" -> leaseMax = Optional.of(Integer.parseInt(x.value().trim()));
            case "dhcp-ignore" -> ignore.add(tags(x.value(), at));
            case "dhcp-leasefile" ->
                notes.add(
                    at
                        + ": dhcp-leasefile is accepted but not used: the leases live in"
                        + " <data-dir>/dhcp/leases4.log (airgap dhcp leases lists them)");
            case "enable-ra", "ra-param" -> {
              // DnsmasqDhcp6
            }
            case "domain" ->
                notes.add(at + ": domain=DOMAIN,RANGE is not supported; the first domain= is used");
            default -> {
              if (!QUIET.contains(x.key())) {
                notes.add(at + ": " + x.key() + " is not supported; line ignored");
              }
            }
          }
        }
      } catch (IllegalArgumentException e) {
        problems.add(at + ": " + e.getMessage());
      }
    }
    return new Result(pools, hosts, options, authoritative, leaseMax, ignore, notes, problems);
  }

  private static List<String> tags(String value, String at) {
    List<String> out = new ArrayList<>();
    for (String p : value.split(",")) {
      String t = p.trim();
      if (!t.startsWith("tag:")) {
        throw new IllegalArgumentException("dhcp-ignore takes tag:T or tag:!T conditions");
      }
      out.add(t.substring(4));
    }
    return out;
  }

  private static Pool pool(DhcpLine.Range r) {
    Inet4Address start = (Inet4Address) r.start();
    boolean staticOnly = r.modes().contains("static");
    Inet4Address end = start;
    if (r.end().isPresent()) {
      if (!(r.end().get() instanceof Inet4Address e)) {
        throw new IllegalArgumentException("the range mixes IPv4 and IPv6");
      }
      end = e;
    } else if (!staticOnly) {
      throw new IllegalArgumentException("dhcp-range needs an end address (or static)");
    }
    int prefix;
    if (r.netmask().isPresent()) {
      prefix = prefixOf(r.netmask().get());
    } else {
      prefix = localPrefix(start).orElse(24);
    }
    Network net = new Network(start, prefix);
    return new Pool(
        net, start, end, r.leaseTime().map(Durations::parse), r.tags(), r.sets(), staticOnly);
  }

  /**
   * A plain range {@code start}-{@code end}; without a prefix, that of the local interface whose
   * subnet holds {@code start} (dnsmasq's rule), else /24.
   */
  public static Pool range(
      Inet4Address start, Inet4Address end, Optional<Integer> prefix, Optional<Duration> lease) {
    Network net = new Network(start, prefix.or(() -> localPrefix(start)).orElse(24));
    return new Pool(net, start, end, lease, List.of(), List.of(), false);
  }

  /** The prefix of a netmask such as 255.255.255.0. */
  static int prefixOf(InetAddress mask) {
    byte[] b = mask.getAddress();
    int v = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int prefix = Integer.bitCount(v);
    if (prefix != 32 && v != (-1 << (32 - prefix))) {
      throw new IllegalArgumentException(mask.getHostAddress() + " is not a netmask");
    }
    return prefix;
  }

  /** The prefix of a local interface's subnet that holds {@code a} (dnsmasq's default). */
  private static Optional<Integer> localPrefix(Inet4Address a) {
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
          if (ia.getAddress() instanceof Inet4Address ifa
              && new Network(ifa, ia.getNetworkPrefixLength()).contains(a)) {
            return Optional.of((int) ia.getNetworkPrefixLength());
          }
        }
      }
    } catch (SocketException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static Optional<StaticHost> host(DhcpLine.Host h, String at, List<String> notes) {
    List<String> macs = h.macs().stream().filter(m -> !m.startsWith("id:")).toList();
    List<String> ids = new ArrayList<>();
    for (String m : h.macs()) {
      // id:* (ignore the client identifier, match the MAC) is what matching by MAC already does
      if (m.startsWith("id:") && !m.equals("id:*")) {
        ids.add(StaticHost.clientId(m.substring(3)));
      }
    }
    if (macs.isEmpty() && ids.isEmpty()) {
      notes.add(at + ": dhcp-host without a MAC address or client identifier; line ignored");
      return Optional.empty();
    }
    Optional<Inet4Address> v4 =
        h.addresses().stream()
            .filter(Inet4Address.class::isInstance)
            .map(Inet4Address.class::cast)
            .findFirst();
    return Optional.of(
        new StaticHost(
            macs,
            v4,
            h.hostname(),
            h.leaseTime().map(Durations::parse),
            h.sets(),
            h.ignore(),
            ids));
  }
}
