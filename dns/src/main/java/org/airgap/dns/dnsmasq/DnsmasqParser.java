package org.airgap.dns.dnsmasq;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.airgap.dns.Addresses;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.Names;
import org.airgap.dns.Network;
import org.airgap.dns.Upstream;

/**
 * Reads dnsmasq-syntax config files and routes each line: DNS records, zones and upstreams to DNS;
 * {@code dhcp-*} and router-advertisement lines to {@link DhcpLine}s for DHCP. Unsupported or
 * malformed lines become {@link Warning}s naming file and line; nothing here throws on bad input.
 */
public final class DnsmasqParser {
  private static final int DNS_PORT = 53;
  private static final Set<String> DHCP_KEYS =
      Set.of("enable-ra", "ra-param", "log-dhcp", "quiet-dhcp", "quiet-dhcp6", "quiet-ra");

  /** bogus-priv: reverse lookups of private ranges stay here (RFC 1918, RFC 6303). */
  private static final List<String> PRIVATE_REVERSE =
      List.of("10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12", "fd00::/8");

  private final Path etcHosts;
  private final Path defaultResolv;

  /**
   * @param etcHosts read unless {@code no-hosts} ({@code /etc/hosts} on a real system)
   * @param defaultResolv upstreams unless {@code no-resolv} or {@code resolv-file=}
   */
  public DnsmasqParser(Path etcHosts, Path defaultResolv) {
    this.etcHosts = etcHosts;
    this.defaultResolv = defaultResolv;
  }

  /** A parser reading the system's {@code /etc/hosts} and {@code /etc/resolv.conf}. */
  public static DnsmasqParser system() {
    return new DnsmasqParser(Path.of("/etc/hosts"), Path.of("/etc/resolv.conf"));
  }

  /** Parses {@code files} in order (and whatever they include). */
  public DnsmasqConfig parse(List<Path> files) {
    State s = new State();
    for (Path f : files) {
      s.file(f, Optional.empty());
    }
    return s.finish();
  }

  private final class State {
    final List<DnsRecord> records = new ArrayList<>();
    final List<String> zones = new ArrayList<>();
    final List<Setting<Upstream>> upstreams = new ArrayList<>();
    final List<Setting<InetAddress>> listen = new ArrayList<>();
    final List<DhcpLine> dhcp = new ArrayList<>();
    final List<Path> files = new ArrayList<>();
    final List<Warning> warnings = new ArrayList<>();
    final List<Path> hostsFiles = new ArrayList<>();
    final List<Setting<String>> exceptInterfaces = new ArrayList<>();
    final Set<Path> seen = new HashSet<>();
    Optional<String> dhcpDomain = Optional.empty();
    Optional<Setting<Integer>> port = Optional.empty();
    Optional<Setting<Integer>> ttl = Optional.empty();
    Optional<Setting<Integer>> cacheSize = Optional.empty();
    Optional<Path> resolvFile = Optional.empty();
    boolean noResolv;
    boolean noHosts;
    boolean expandHosts;
    boolean domainNeeded;

    void file(Path f, Optional<Source> from) {
      Path norm = f.toAbsolutePath().normalize();
      if (!seen.add(norm)) {
        from.ifPresent(src -> warn(src, "'" + f + "' is already included; skipped"));
        return;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        warn(from.orElse(new Source(f, 0)), "cannot read '" + f + "': " + e);
        return;
      }
      files.add(f);
      for (int i = 0; i < lines.size(); i++) {
        Source src = new Source(f, i + 1);
        try {
          line(lines.get(i), src);
        } catch (IllegalArgumentException e) {
          warn(src, e.getMessage() + "; line ignored");
        }
      }
    }

    void warn(Source src, String message) {
      warnings.add(new Warning(src, message));
    }

    void line(String raw, Source src) {
      String line = stripComment(raw).trim();
      if (line.isEmpty()) {
        return;
      }
      int eq = line.indexOf('=');
      String key = (eq < 0 ? line : line.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : line.substring(eq + 1).trim();
      switch (key) {
        case "host-record" -> hostRecord(value, src);
        case "address" -> address(value, src);
        case "cname" -> cname(value, src);
        case "ptr-record" -> ptrRecord(value, src);
        case "srv-host" -> srvHost(value, src);
        case "txt-record" -> txtRecord(value, src);
        case "domain" -> domain(value, src);
        case "local" -> {
          for (String d : slashDomains(value, src).domains()) {
            zones.add(d);
          }
        }
        case "server" -> server(value, src);
        case "no-resolv" -> noResolv = true;
        case "resolv-file" -> resolvFile = Optional.of(Path.of(need(key, value)));
        case "addn-hosts" -> hostsFiles.add(Path.of(need(key, value)));
        case "no-hosts" -> noHosts = true;
        case "expand-hosts" -> expandHosts = true;
        case "conf-file" -> file(Path.of(need(key, value)), Optional.of(src));
        case "conf-dir" -> confDir(need(key, value), src);
        case "port" -> port = Optional.of(new Setting<>(number(key, value, 0, 65535), src));
        case "listen-address" -> {
          for (String a : split(need(key, value))) {
            listen.add(new Setting<>(Addresses.literal(a), src));
          }
        }
        case "interface" -> {
          for (String name : split(need(key, value))) {
            interfaceAddresses(name, src).forEach(a -> listen.add(new Setting<>(a, src)));
          }
        }
        case "except-interface" -> {
          for (String name : split(need(key, value))) {
            exceptInterfaces.add(new Setting<>(name, src));
          }
        }
        case "local-ttl" -> ttl = Optional.of(new Setting<>(number(key, value, 0, 1 << 30), src));
        case "cache-size" ->
            cacheSize = Optional.of(new Setting<>(number(key, value, 0, 10_000_000), src));
        case "domain-needed" -> domainNeeded = true;
        case "bogus-priv" -> {
          for (String n : PRIVATE_REVERSE) {
            zones.add(Network.parse(n).reverseZone());
          }
        }
        // airgap always binds the listed addresses and tries upstreams in order.
        case "bind-interfaces", "bind-dynamic", "strict-order" -> {}
        default -> {
          if (key.startsWith("dhcp-") || DHCP_KEYS.contains(key)) {
            dhcp.add(DhcpLines.parse(key, value, src));
          } else {
            warn(src, "unsupported option '" + key + "'; line ignored");
          }
        }
      }
    }

    void hostRecord(String value, Source src) {
      List<String> parts = split(need("host-record", value));
      List<String> names = new ArrayList<>();
      List<InetAddress> addrs = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        String p = parts.get(i);
        if (isAddress(p)) {
          addrs.add(Addresses.literal(p));
        } else if (i == parts.size() - 1 && p.matches("\\d+") && !names.isEmpty()) {
          warn(src, "per-record TTL " + p + " ignored: airgap uses dns.ttl for every record");
        } else {
          names.add(p);
        }
      }
      if (names.isEmpty() || addrs.isEmpty()) {
        throw new IllegalArgumentException("host-record needs a name and an address");
      }
      for (String n : names) {
        records.add(new DnsRecord.Host(n, addrs));
      }
    }

    void address(String value, Source src) {
      SlashDomains sd = slashDomains(value, src);
      String ip = sd.rest();
      for (String d : sd.domains()) {
        if (d.equals("#")) {
          warn(src, "address=/#/ (every domain) is not supported; line ignored");
          continue;
        }
        if (ip.isEmpty()) {
          zones.add(d); // local only: NXDOMAIN for the name and everything under it
          continue;
        }
        List<InetAddress> addrs =
            ip.equals("#")
                ? List.of(Addresses.literal("0.0.0.0"), Addresses.literal("::"))
                : List.of(Addresses.literal(ip));
        records.add(new DnsRecord.Host(d, addrs, false));
        records.add(new DnsRecord.Host("*." + d, addrs, false));
      }
    }

    void cname(String value, Source src) {
      List<String> parts = new ArrayList<>(split(need("cname", value)));
      if (parts.size() >= 3 && parts.get(parts.size() - 1).matches("\\d+")) {
        warn(src, "per-record TTL ignored: airgap uses dns.ttl for every record");
        parts.remove(parts.size() - 1);
      }
      if (parts.size() < 2) {
        throw new IllegalArgumentException("cname needs an alias and a target");
      }
      String target = parts.get(parts.size() - 1);
      for (String alias : parts.subList(0, parts.size() - 1)) {
        records.add(new DnsRecord.Cname(alias, target));
      }
    }

    void ptrRecord(String value, Source src) {
      List<String> parts = split(need("ptr-record", value));
      if (parts.size() != 2) {
        throw new IllegalArgumentException("ptr-record needs NAME,TARGET");
      }
      String name = parts.get(0);
      if (isAddress(name)) {
        records.add(DnsRecord.Ptr.of(Addresses.literal(name), parts.get(1)));
      } else {
        records.add(new DnsRecord.Ptr(name, parts.get(1)));
      }
    }

    void srvHost(String value, Source src) {
      List<String> p = split(need("srv-host", value));
      if (p.size() < 2) {
        throw new IllegalArgumentException("srv-host without a target (a 'no service' SRV)");
      }
      int port = p.size() > 2 ? number("srv-host port", p.get(2), 0, 65535) : 0;
      int prio = p.size() > 3 ? number("srv-host priority", p.get(3), 0, 65535) : 0;
      int weight = p.size() > 4 ? number("srv-host weight", p.get(4), 0, 65535) : 0;
      records.add(new DnsRecord.Srv(p.get(0), p.get(1), port, prio, weight));
    }

    void txtRecord(String value, Source src) {
      List<String> p = split(need("txt-record", value));
      List<String> texts = p.size() > 1 ? p.subList(1, p.size()) : List.of("");
      records.add(new DnsRecord.Txt(p.get(0), texts.stream().map(DnsmasqParser::unquote).toList()));
    }

    void domain(String value, Source src) {
      List<String> p = split(need("domain", value));
      String d = Names.normalize(p.get(0));
      zones.add(d);
      if (p.size() == 1 && dhcpDomain.isEmpty()) {
        dhcpDomain = Optional.of(d);
      } else if (p.size() > 1) {
        // domain=D,RANGE[,local]: D for the DHCP hosts of RANGE; DHCP reads the line itself.
        dhcp.add(new DhcpLine.Other(src, "domain", value));
        if (dhcpDomain.isEmpty()) {
          dhcpDomain = Optional.of(d);
        }
      }
    }

    void server(String value, Source src) {
      SlashDomains sd = slashDomains(value, src);
      String rest = sd.rest();
      if (!sd.domains().isEmpty() && rest.isEmpty()) {
        zones.addAll(sd.domains()); // server=/d/: answered locally only
        return;
      }
      if (rest.equals("#")) {
        warn(src, "server=/d/# (use the standard servers) is the default here; line ignored");
        return;
      }
      int at = rest.indexOf('@');
      if (at >= 0) {
        warn(src, "'@" + rest.substring(at + 1) + "' (source address or interface) ignored");
        rest = rest.substring(0, at);
      }
      InetSocketAddress a = Addresses.socket(rest, DNS_PORT);
      upstreams.add(new Setting<>(new Upstream(a, sd.domains()), src));
    }

    void confDir(String value, Source src) {
      List<String> p = split(value);
      Path dir = Path.of(p.get(0));
      files.add(dir);
      List<String> include = new ArrayList<>();
      List<String> exclude = new ArrayList<>();
      for (String s : p.subList(1, p.size())) {
        if (s.startsWith("*")) {
          include.add(s.substring(1));
        } else {
          exclude.add(s);
        }
      }
      List<Path> found;
      try (Stream<Path> st = Files.list(dir)) {
        found = new ArrayList<>(st.filter(Files::isRegularFile).toList());
      } catch (IOException e) {
        warn(src, "cannot read directory '" + dir + "': " + e);
        return;
      }
      Collections.sort(found);
      for (Path f : found) {
        String n = f.getFileName().toString();
        if (n.startsWith(".") || n.endsWith("~") || (n.startsWith("#") && n.endsWith("#"))) {
          continue;
        }
        if (!include.isEmpty() && include.stream().noneMatch(n::endsWith)) {
          continue;
        }
        if (exclude.stream().anyMatch(n::endsWith)) {
          continue;
        }
        file(f, Optional.of(src));
      }
    }

    List<InetAddress> interfaceAddresses(String name, Source src) {
      try {
        NetworkInterface ni = NetworkInterface.getByName(name);
        if (ni == null) {
          warn(src, "no interface '" + name + "' on this machine");
          return List.of();
        }
        return ni.inetAddresses().map(DnsmasqParser::withoutScope).toList();
      } catch (SocketException e) {
        warn(src, "cannot read interface '" + name + "': " + e.getMessage());
        return List.of();
      }
    }

    void hostsFile(Path f, Optional<String> domain) {
      files.add(f);
      List<Path> targets = new ArrayList<>();
      if (Files.isDirectory(f)) {
        try (Stream<Path> st = Files.list(f)) {
          st.filter(Files::isRegularFile).sorted().forEach(targets::add);
        } catch (IOException e) {
          warn(new Source(f, 0), "cannot read directory: " + e);
        }
      } else {
        targets.add(f);
      }
      for (Path t : targets) {
        List<String> lines;
        try {
          lines = Files.readAllLines(t, StandardCharsets.UTF_8);
        } catch (IOException e) {
          warn(new Source(t, 0), "cannot read hosts file: " + e);
          continue;
        }
        for (int i = 0; i < lines.size(); i++) {
          Source src = new Source(t, i + 1);
          String line = lines.get(i);
          int hash = line.indexOf('#');
          List<String> words =
              List.of((hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+"));
          if (words.size() < 2 || words.get(0).isEmpty()) {
            continue;
          }
          try {
            InetAddress a = Addresses.literal(words.get(0));
            for (String n : words.subList(1, words.size())) {
              records.add(new DnsRecord.Host(n, List.of(a)));
              if (expandHosts && domain.isPresent() && !n.contains(".")) {
                records.add(new DnsRecord.Host(n + "." + domain.get(), List.of(a)));
              }
            }
          } catch (IllegalArgumentException e) {
            warn(src, e.getMessage() + "; line ignored");
          }
        }
      }
    }

    DnsmasqConfig finish() {
      if (!noHosts && Files.isReadable(etcHosts)) {
        hostsFile(etcHosts, dhcpDomain);
      }
      for (Path h : hostsFiles) {
        hostsFile(h, dhcpDomain);
      }
      if (listen.isEmpty() && !exceptInterfaces.isEmpty()) {
        allExcept();
      }
      Optional<Path> resolv =
          noResolv ? Optional.empty() : Optional.of(resolvFile.orElse(defaultResolv));
      return new DnsmasqConfig(
          records,
          List.copyOf(new LinkedHashSet<>(zones)),
          dhcpDomain,
          upstreams,
          resolv,
          port,
          listen,
          ttl,
          cacheSize,
          domainNeeded,
          dhcp,
          files,
          warnings);
    }

    void allExcept() {
      Set<String> except = new HashSet<>();
      exceptInterfaces.forEach(e -> except.add(e.value()));
      Source src = exceptInterfaces.get(0).source();
      try {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          if (!except.contains(ni.getName()) && ni.isUp()) {
            ni.inetAddresses().forEach(a -> listen.add(new Setting<>(withoutScope(a), src)));
          }
        }
      } catch (SocketException e) {
        warn(src, "cannot list interfaces: " + e.getMessage());
      }
    }
  }

  private static InetAddress withoutScope(InetAddress a) {
    try {
      return InetAddress.getByAddress(a.getAddress());
    } catch (IOException e) {
      return a;
    }
  }

  /** {@code /d1/d2/rest}: the domains between slashes and what follows the last one. */
  record SlashDomains(List<String> domains, String rest) {}

  static SlashDomains slashDomains(String value, Source src) {
    if (!value.startsWith("/")) {
      return new SlashDomains(List.of(), value);
    }
    int last = value.lastIndexOf('/');
    if (last == 0) {
      throw new IllegalArgumentException("'" + value + "': unbalanced '/'");
    }
    List<String> domains = new ArrayList<>();
    for (String d : value.substring(1, last).split("/")) {
      if (d.isEmpty()) {
        continue;
      }
      domains.add(d.equals("#") ? "#" : Names.normalize(d));
    }
    return new SlashDomains(domains, value.substring(last + 1).trim());
  }

  private static boolean isAddress(String s) {
    try {
      Addresses.literal(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String need(String key, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(key + " needs a value");
    }
    return value;
  }

  static int number(String key, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + ": '" + value + "' is not a number in " + min + "-" + max);
    }
  }

  /** Splits at commas outside double quotes; trims each part. */
  static List<String> split(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        cur.append(c);
      } else if (c == ',' && !quoted) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().trim());
    return out;
  }

  static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  /** Drops a {@code #} comment: at the start, or after white space outside quotes. */
  static String stripComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '#' && !quoted && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
