package org.airgap.appliance.config;

import java.util.List;
import java.util.Map;
import org.airgap.dns.Addresses;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.Names;
import org.airgap.dns.Upstream;

/**
 * {@code dns:} the authoritative DNS server. Port 1053 in dev; 53 on the site addresses under
 * systemd (never the wildcard on 53: libvirt's dnsmasq holds 53 on its bridges).
 *
 * @param zones domains answered here besides {@code site.domain} (NXDOMAIN for unknown names)
 * @param hosts A/AAAA records: name (or {@code *.apps.x} wildcard) → addresses
 * @param cnames alias → target
 * @param ptrs address (or reverse name) → name; else the first host naming the address
 * @param srv SRV records
 * @param txt name → strings
 * @param upstreams where other names go: {@code ADDR}, {@code ADDR#PORT}, {@code [V6]:PORT}, or
 *     {@code /DOMAIN/ADDR} for one domain only; none: REFUSED at once (the air gap)
 * @param upstreamTimeoutMs how long one upstream gets before the next is asked
 * @param cacheSize forwarded answers kept (0: no cache)
 */
public record DnsSection(
    Boolean enabled,
    List<ListenAddress> listen,
    Integer ttl,
    List<String> zones,
    Map<String, List<String>> hosts,
    Map<String, String> cnames,
    Map<String, String> ptrs,
    List<Srv> srv,
    Map<String, List<String>> txt,
    List<String> upstreams,
    Integer upstreamTimeoutMs,
    Integer cacheSize) {

  public static final String DEFAULT_LISTEN = "[::]:1053";
  public static final int DEFAULT_TTL = 300;

  /** One SRV record. */
  public record Srv(String name, String target, Integer port, Integer priority, Integer weight) {
    public Srv {
      port = port == null ? 0 : port;
      priority = priority == null ? 0 : priority;
      weight = weight == null ? 0 : weight;
    }
  }

  public DnsSection {
    enabled = enabled == null || enabled;
    listen = listen == null ? List.of(ListenAddress.parse(DEFAULT_LISTEN)) : List.copyOf(listen);
    ttl = ttl == null ? DEFAULT_TTL : ttl;
    zones = zones == null ? List.of() : List.copyOf(zones);
    hosts = hosts == null ? Map.of() : copy(hosts);
    cnames = cnames == null ? Map.of() : copy(cnames);
    ptrs = ptrs == null ? Map.of() : copy(ptrs);
    srv = srv == null ? List.of() : List.copyOf(srv);
    txt = txt == null ? Map.of() : copy(txt);
    upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
    upstreamTimeoutMs = upstreamTimeoutMs == null ? 2000 : upstreamTimeoutMs;
    cacheSize = cacheSize == null ? 10_000 : cacheSize;
  }

  /** An unmodifiable copy that keeps the YAML order (records are published in that order). */
  private static <V> Map<String, V> copy(Map<String, V> m) {
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
  }

  void validate(Problems p) {
    Sections.validateListen(p, "dns", listen, enabled);
    if (ttl < 0) {
      p.add("dns.ttl", "must not be negative", "300 is the default");
    }
    for (int i = 0; i < listen.size(); i++) {
      ListenAddress l = listen.get(i);
      if (enabled && l.port() == 53 && l.isWildcard()) {
        p.add(
            "dns.listen[" + i + "]",
            "the wildcard address on port 53 collides with libvirt's dnsmasq",
            "list the site addresses and 127.0.0.1 instead");
      }
    }
    for (int i = 0; i < zones.size(); i++) {
      String z = zones.get(i);
      p.check("dns.zones[" + i + "]", () -> Names.normalize(z));
    }
    hosts.forEach(
        (name, addrs) ->
            p.check(
                "dns.hosts." + name,
                () -> new DnsRecord.Host(name, addrs.stream().map(Addresses::literal).toList())));
    cnames.forEach((a, t) -> p.check("dns.cnames." + a, () -> new DnsRecord.Cname(a, t)));
    ptrs.forEach((a, t) -> p.check("dns.ptrs." + a, () -> ptr(a, t)));
    for (int i = 0; i < srv.size(); i++) {
      Srv s = srv.get(i);
      p.check("dns.srv[" + i + "]", () -> srv(s));
    }
    txt.forEach((n, t) -> p.check("dns.txt." + n, () -> new DnsRecord.Txt(n, t)));
    for (int i = 0; i < upstreams.size(); i++) {
      String u = upstreams.get(i);
      p.check("dns.upstreams[" + i + "]", () -> upstream(u));
    }
    if (upstreamTimeoutMs <= 0) {
      p.add("dns.upstream-timeout-ms", "must be positive", "2000 is the default");
    }
    if (cacheSize < 0) {
      p.add("dns.cache-size", "must not be negative", "0 turns the cache off");
    }
  }

  /** {@code ptrs:} keys are an address or a reverse name. */
  public static DnsRecord.Ptr ptr(String key, String target) {
    try {
      return DnsRecord.Ptr.of(Addresses.literal(key), target);
    } catch (IllegalArgumentException e) {
      return new DnsRecord.Ptr(key, target);
    }
  }

  static DnsRecord.Srv srv(Srv s) {
    if (s.name() == null || s.target() == null) {
      throw new IllegalArgumentException("needs name and target");
    }
    return new DnsRecord.Srv(s.name(), s.target(), s.port(), s.priority(), s.weight());
  }

  /** {@code ADDR}, {@code ADDR#PORT}, {@code [V6]:PORT} or {@code /DOMAIN[/DOMAIN…]/ADDR}. */
  public static Upstream upstream(String text) {
    String s = text.trim();
    List<String> domains = List.of();
    if (s.startsWith("/")) {
      int last = s.lastIndexOf('/');
      if (last == 0) {
        throw new IllegalArgumentException("'" + text + "': write /DOMAIN/ADDRESS");
      }
      domains = List.of(s.substring(1, last).split("/"));
      s = s.substring(last + 1);
    }
    return new Upstream(Addresses.socket(s, 53), domains);
  }

  /** Every record the {@code dns:} section publishes, in YAML order. */
  public List<DnsRecord> records() {
    DnsSection s = this;
    List<DnsRecord> out = new java.util.ArrayList<>();
    s.hosts()
        .forEach(
            (n, a) -> out.add(new DnsRecord.Host(n, a.stream().map(Addresses::literal).toList())));
    s.cnames().forEach((a, t) -> out.add(new DnsRecord.Cname(a, t)));
    s.ptrs().forEach((a, t) -> out.add(ptr(a, t)));
    s.srv().forEach(v -> out.add(srv(v)));
    s.txt().forEach((n, t) -> out.add(new DnsRecord.Txt(n, t)));
    return out;
  }

  /** Every key at its default. */
  public static DnsSection defaults() {
    return new DnsSection(null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
