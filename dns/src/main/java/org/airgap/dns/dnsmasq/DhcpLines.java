package org.airgap.dns.dnsmasq;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.airgap.dns.Addresses;

/** Parses the DHCP lines of a dnsmasq config into {@link DhcpLine}s. */
final class DhcpLines {
  private static final Pattern MAC =
      Pattern.compile(
          "([0-9A-Fa-f*]{1,2}[:-]){5}[0-9A-Fa-f*]{1,2}|id:.+|[0-9]+-([0-9A-Fa-f]{2}:)+.*");
  private static final Pattern LEASE = Pattern.compile("\\d+[smhdw]?|infinite|deprecated");
  private static final Pattern MODE =
      Pattern.compile("static|proxy|ra-only|ra-names|ra-stateless|ra-advrouter|slaac|off-link");

  private DhcpLines() {}

  static DhcpLine parse(String key, String value, Source src) {
    return switch (key) {
      case "dhcp-host" -> host(value, src);
      case "dhcp-range" -> range(value, src);
      case "dhcp-option", "dhcp-option-force" -> option(key, value, src);
      default -> new DhcpLine.Other(src, key, value);
    };
  }

  private static DhcpLine.Host host(String value, Source src) {
    List<String> macs = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    List<InetAddress> addrs = new ArrayList<>();
    Optional<String> hostname = Optional.empty();
    Optional<String> lease = Optional.empty();
    boolean ignore = false;
    for (String p : DnsmasqParser.split(value)) {
      if (p.isEmpty()) {
        continue;
      }
      if (p.startsWith("set:")) {
        sets.add(p.substring(4));
      } else if (p.startsWith("tag:")) {
        tags.add(p.substring(4));
      } else if (p.equals("ignore")) {
        ignore = true;
      } else if (p.startsWith("[") && p.endsWith("]")) {
        addrs.add(Addresses.literal(p));
      } else if (p.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        addrs.add(Addresses.literal(p));
      } else if (MAC.matcher(p).matches()) {
        macs.add(p.toLowerCase(java.util.Locale.ROOT));
      } else if (LEASE.matcher(p).matches()) {
        lease = Optional.of(p);
      } else if (hostname.isEmpty()) {
        hostname = Optional.of(p);
      } else {
        throw new IllegalArgumentException("dhcp-host: cannot tell what '" + p + "' is");
      }
    }
    return new DhcpLine.Host(src, macs, sets, tags, hostname, addrs, lease, ignore);
  }

  private static DhcpLine.Range range(String value, Source src) {
    List<String> parts = DnsmasqParser.split(value);
    List<String> tags = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    int i = 0;
    while (i < parts.size()
        && (parts.get(i).startsWith("tag:") || parts.get(i).startsWith("set:"))) {
      String p = parts.get(i++);
      (p.startsWith("tag:") ? tags : sets).add(p.substring(4));
    }
    if (i >= parts.size()) {
      throw new IllegalArgumentException("dhcp-range needs a start address");
    }
    InetAddress start = Addresses.literal(parts.get(i++));
    Optional<InetAddress> end = Optional.empty();
    List<String> modes = new ArrayList<>();
    Optional<InetAddress> netmask = Optional.empty();
    Optional<Integer> prefix = Optional.empty();
    Optional<String> lease = Optional.empty();
    Optional<String> constructor = Optional.empty();
    for (; i < parts.size(); i++) {
      String p = parts.get(i);
      if (p.startsWith("constructor:")) {
        constructor = Optional.of(p.substring("constructor:".length()));
      } else if (MODE.matcher(p).matches()) {
        modes.add(p);
      } else if (p.matches("\\d+")
          && !start.getHostAddress().contains(".")
          && prefix.isEmpty()
          && lease.isEmpty()
          && Integer.parseInt(p) <= 128) {
        prefix = Optional.of(Integer.parseInt(p));
      } else if (LEASE.matcher(p).matches()) {
        lease = Optional.of(p);
      } else if (end.isEmpty() && modes.isEmpty()) {
        end = Optional.of(Addresses.literal(p));
      } else if (netmask.isEmpty()) {
        netmask = Optional.of(Addresses.literal(p));
      } else {
        throw new IllegalArgumentException("dhcp-range: cannot tell what '" + p + "' is");
      }
    }
    return new DhcpLine.Range(
        src, tags, sets, start, end, modes, netmask, prefix, lease, constructor);
  }

  private static DhcpLine.Option option(String key, String value, Source src) {
    List<String> parts = DnsmasqParser.split(value);
    List<String> tags = new ArrayList<>();
    int i = 0;
    while (i < parts.size()
        && (parts.get(i).startsWith("tag:")
            || parts.get(i).startsWith("encap:")
            || parts.get(i).startsWith("vi-encap:")
            || parts.get(i).startsWith("vendor:"))) {
      String p = parts.get(i++);
      tags.add(p.startsWith("tag:") ? p.substring(4) : p);
    }
    if (i >= parts.size()) {
      throw new IllegalArgumentException(key + " needs an option");
    }
    String option = parts.get(i++);
    String rest = String.join(",", parts.subList(i, parts.size()));
    return new DhcpLine.Option(src, tags, option, rest, key.endsWith("-force"));
  }
}
