package org.airgap.appliance.services;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigException;
import org.airgap.appliance.config.DhcpSection;
import org.airgap.dhcp.DhcpConfig;
import org.airgap.dhcp.DhcpServer;
import org.airgap.dhcp.DnsFeed;
import org.airgap.dhcp.DnsmasqDhcp;
import org.airgap.dhcp.Durations;
import org.airgap.dhcp.Lease;
import org.airgap.dhcp.Mac;
import org.airgap.dhcp.OptionRule;
import org.airgap.dhcp.OptionValue;
import org.airgap.dhcp.Pool;
import org.airgap.dhcp.StaticHost;
import org.airgap.dhcp.v6.Dhcp6Config;
import org.airgap.dhcp.v6.Dhcp6Server;
import org.airgap.dhcp.v6.DnsFeed6;
import org.airgap.dhcp.v6.DnsmasqDhcp6;
import org.airgap.dhcp.v6.Host6;
import org.airgap.dhcp.v6.Lease6;
import org.airgap.dhcp.v6.RaConfig;
import org.airgap.dhcp.v6.Range6;
import org.airgap.dns.Addresses;
import org.airgap.dns.Network;
import org.airgap.dns.dnsmasq.DnsmasqConfig;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.airgap.dns.dnsmasq.Setting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DHCPv4 and DHCPv6 with router advertisements, wired from {@code dhcp:} and the dhcp lines of the
 * dnsmasq files; leases under {@code <data-dir>/dhcp/leases4.log} and {@code leases6.log}, named
 * leases published in DNS as {@code <name>.<domain>} (A and AAAA). DHCPv6 runs when there is an
 * IPv6 range or host; DHCPv4 when there is an IPv4 range, or nothing IPv6 at all.
 */
public final class DhcpUnit implements ManagedService {
  private static final Logger LOG = LoggerFactory.getLogger(DhcpUnit.class);

  private final ApplianceContext ctx;
  private DhcpServer server;
  private Dhcp6Server server6;
  private RaConfig runningRa;

  /**
   * The servers' configs and what to tell the operator.
   *
   * @param config6 DHCPv6, when there is an IPv6 range or host
   */
  public record Built(
      DhcpConfig config, Optional<Dhcp6Config> config6, RaConfig ra, List<String> notes) {}

  public DhcpUnit(ApplianceContext ctx) {
    this.ctx = ctx;
  }

  /** Where the leases live. */
  public static Path leaseFile(AirgapConfig config) {
    return config.dataDir().resolve("dhcp").resolve("leases4.log");
  }

  /** Where the DHCPv6 bindings live. */
  public static Path leaseFile6(AirgapConfig config) {
    return config.dataDir().resolve("dhcp").resolve("leases6.log");
  }

  /**
   * The DHCP server's config: the YAML's ranges, hosts and options, then the dnsmasq lines'.
   *
   * @throws ConfigException when a dnsmasq DHCP line has a bad value
   */
  public static Built build(AirgapConfig config, DnsmasqConfig dnsmasq) {
    DhcpSection s = config.dhcp();
    DnsmasqDhcp.Result d = DnsmasqDhcp.convert(dnsmasq.dhcp());
    if (!d.problems().isEmpty()) {
      throw new ConfigException(d.problems());
    }
    List<String> notes = new ArrayList<>(d.notes());
    DnsmasqDhcp6.Result d6 = DnsmasqDhcp6.convert(dnsmasq.dhcp());
    if (!d6.problems().isEmpty()) {
      throw new ConfigException(d6.problems());
    }
    notes.addAll(d6.notes());
    List<Pool> pools = new ArrayList<>(yamlRanges(s));
    pools.addAll(d.pools());
    List<StaticHost> hosts = new ArrayList<>();
    for (DhcpSection.Host h : s.hosts()) {
      hosts.add(
          new StaticHost(
              h.mac() == null ? List.of() : List.of(Mac.parse(h.mac()).text()),
              Optional.ofNullable(h.address()).map(a -> (Inet4Address) Addresses.literal(a)),
              Optional.ofNullable(h.name()),
              Optional.ofNullable(h.leaseTime()).map(Durations::parse),
              List.of(),
              false,
              h.clientId() == null ? List.of() : List.of(StaticHost.clientId(h.clientId()))));
    }
    hosts.addAll(d.hosts());
    // the site spec's workers: the MAC their VM, BareMetalHost and Redfish system also carry
    for (org.airgap.appliance.cluster.ClusterFeeds.Machine m :
        org.airgap.appliance.cluster.ClusterFeeds.machines(config)) {
      hosts.add(
          new StaticHost(
              List.of(Mac.parse(m.mac()).text()),
              m.address().filter(a -> a instanceof Inet4Address).map(a -> (Inet4Address) a),
              Optional.of(m.name()),
              Optional.empty(),
              List.of(),
              false));
    }
    List<OptionRule> options = new ArrayList<>(d.options());
    s.options() // YAML options come last: untagged, they override the dnsmasq defaults
        .forEach((k, v) -> options.add(new OptionRule(List.of(), OptionValue.named(k, v), false)));
    List<String> interfaces = new ArrayList<>(s.interfaces());
    if (interfaces.isEmpty()) {
      interfaces.addAll(interfacesOf(dnsmasq.listenAddresses()));
    }
    List<List<String>> ignore = new ArrayList<>(d.ignore());
    if (s.ignoreUnknown()) {
      ignore.add(List.of("!known"));
    }
    Optional<String> domain = dnsmasq.dhcpDomain().or(() -> Optional.of(config.site().domain()));
    DhcpConfig c =
        DhcpConfig.of(leaseFile(config))
            .withInterfaces(interfaces)
            .withPools(pools)
            .withHosts(hosts)
            .withOptions(options)
            .withDomain(domain)
            .withLeaseTime(Durations.parse(s.leaseTime()))
            .withAuthoritative(s.authoritative() || d.authoritative().orElse(false))
            .withLeaseMax(d.leaseMax().orElse(s.leaseMax()))
            .withIgnore(ignore);
    Optional<Dhcp6Config> c6 = build6(config, s, d6, domain, interfaces);
    if (pools.isEmpty() && c6.isEmpty()) {
      notes.add("no DHCP range: only INFORM is answered (add dhcp.ranges or a dhcp-range line)");
    }
    RaConfig ra = DhcpSection.raConfig(s.ra());
    if (d6.enableRa()) {
      ra = ra.withEnabled(true);
    }
    if (d6.raParam().isPresent()) {
      DnsmasqDhcp6.RaParam p = d6.raParam().get();
      DhcpSection.Ra defaults = DhcpSection.Ra.defaults();
      // the YAML wins where it sets something other than the default
      if (s.ra().interval().equals(defaults.interval())) {
        ra = ra.withInterval(p.interval());
      }
      if (p.lifetime().isPresent() && s.ra().routerLifetime().equals(defaults.routerLifetime())) {
        ra = ra.withRouterLifetime(p.lifetime().get());
      }
      if (p.mtu().isPresent() && s.ra().mtu() == 0) {
        ra = ra.withMtu(p.mtu());
      }
    }
    if (c6.isPresent() && c6.get().ranges().isEmpty()) {
      notes.add("DHCPv6: static hosts only, no IPv6 range: other clients get no address");
    }
    return new Built(c, c6, ra, notes);
  }

  /** DHCPv6's config: the YAML's IPv6 ranges and hosts, then the dnsmasq lines'. */
  private static Optional<Dhcp6Config> build6(
      AirgapConfig config,
      DhcpSection s,
      DnsmasqDhcp6.Result d6,
      Optional<String> domain,
      List<String> interfaces) {
    List<Range6> ranges = new ArrayList<>();
    for (DhcpSection.Range r : s.ranges()) {
      if (DhcpSection.isV6(r)) {
        ranges.add(DhcpSection.range6(r));
      }
    }
    ranges.addAll(d6.ranges());
    List<Host6> hosts = new ArrayList<>();
    for (DhcpSection.Host h : s.hosts()) {
      if (h.address6() != null) {
        hosts.add(
            new Host6(
                List.of(Mac.parse(h.mac()).text()),
                Optional.empty(),
                Optional.of((Inet6Address) Addresses.literal(h.address6())),
                Optional.ofNullable(h.name()),
                Optional.ofNullable(h.leaseTime()).map(Durations::parse),
                false));
      }
    }
    hosts.addAll(d6.hosts());
    for (org.airgap.appliance.cluster.ClusterFeeds.Machine m :
        org.airgap.appliance.cluster.ClusterFeeds.machines(config)) {
      m.address()
          .filter(a -> a instanceof Inet6Address)
          .ifPresent(
              a ->
                  hosts.add(
                      new Host6(
                          List.of(Mac.parse(m.mac()).text()),
                          Optional.empty(),
                          Optional.of((Inet6Address) a),
                          Optional.of(m.name()),
                          Optional.empty(),
                          false)));
    }
    if (ranges.isEmpty() && hosts.stream().noneMatch(h -> h.address().isPresent())) {
      return Optional.empty();
    }
    List<Inet6Address> dns = new ArrayList<>();
    s.dnsServers6().forEach(a -> dns.add((Inet6Address) Addresses.literal(a)));
    dns.addAll(d6.dnsServers());
    List<String> domains = new ArrayList<>(d6.domains());
    if (domains.isEmpty()) {
      domain.ifPresent(domains::add);
    }
    return Optional.of(
        Dhcp6Config.of(leaseFile6(config))
            .withInterfaces(interfaces)
            .withRanges(ranges)
            .withHosts(hosts)
            .withDnsServers(dns)
            .withDomains(domains)
            .withLeaseTime(Durations.parse(s.leaseTime()))
            .withRapidCommit(s.rapidCommit())
            .withLeaseMax(s.leaseMax())
            .withIgnoreUnknown(s.ignoreUnknown()));
  }

  private static List<Pool> yamlRanges(DhcpSection s) {
    List<Pool> out = new ArrayList<>();
    for (DhcpSection.Range r : s.ranges()) {
      if (DhcpSection.isV6(r)) {
        continue;
      }
      out.add(
          DnsmasqDhcp.range(
              (Inet4Address) Addresses.literal(r.start()),
              (Inet4Address) Addresses.literal(r.end()),
              Optional.ofNullable(r.prefix()),
              Optional.ofNullable(r.leaseTime()).map(Durations::parse)));
    }
    return out;
  }

  /** The interfaces that hold dnsmasq's {@code interface=}/{@code listen-address=} addresses. */
  private static List<String> interfacesOf(List<Setting<InetAddress>> listen) {
    Set<String> out = new LinkedHashSet<>();
    for (Setting<InetAddress> l : listen) {
      try {
        NetworkInterface ni = NetworkInterface.getByInetAddress(l.value());
        if (ni != null && !ni.isLoopback()) {
          out.add(ni.getName());
        }
      } catch (SocketException e) {
        LOG.debug("{}: {}", l.source(), e.toString());
      }
    }
    return List.copyOf(out);
  }

  /**
   * The networks of every DHCP range (YAML and dnsmasq), whose reverse zones DNS answers for (PTRs
   * of the leases).
   */
  public static List<Network> rangeNetworks(AirgapConfig config, DnsmasqConfig dnsmasq) {
    Set<Network> out = new LinkedHashSet<>();
    try {
      yamlRanges(config.dhcp()).forEach(p -> out.add(p.network()));
    } catch (RuntimeException e) {
      // validated with the config; nothing to add
    }
    DnsmasqDhcp.convert(dnsmasq.dhcp()).pools().forEach(p -> out.add(p.network()));
    try {
      config.dhcp().ranges().stream()
          .filter(DhcpSection::isV6)
          .forEach(r -> out.add(DhcpSection.range6(r).network()));
    } catch (RuntimeException e) {
      // validated with the config
    }
    DnsmasqDhcp6.convert(dnsmasq.dhcp()).ranges().forEach(r -> out.add(r.network()));
    return List.copyOf(out);
  }

  @Override
  public String name() {
    return "dhcp";
  }

  private static Built build(AirgapConfig config) {
    DnsmasqConfig dnsmasq =
        config.dnsmasq().confFiles().isEmpty()
            ? DnsmasqConfig.empty()
            : DnsmasqParser.system().parse(config.dnsmasq().confFiles());
    return build(config, dnsmasq);
  }

  @Override
  public void start() {
    Built b = build(ctx.config());
    b.notes().forEach(n -> LOG.warn("dhcp: {}", n));
    if (!b.config().pools().isEmpty() || b.config6().isEmpty()) {
      server = new DhcpServer(b.config(), new DnsFeed(ctx.leaseRecords(), b.config().domain()));
      server.start();
    }
    if (b.config6().isPresent()) {
      Dhcp6Config c6 = b.config6().get();
      server6 = new Dhcp6Server(c6, b.ra(), new DnsFeed6(ctx.leaseRecords(), c6.domain()));
      server6.start();
      runningRa = b.ra();
    }
  }

  /**
   * SIGHUP: the YAML's and the dnsmasq files' hosts, ranges and options, and the site spec's
   * workers, are read again and served from the next request on by DHCPv4 and DHCPv6; leases are
   * kept. Turning a family on or off, the interfaces, the lease files, the ports and the router
   * advertisements' settings are reported as needing a restart. A new config that does not load is
   * refused and the running one stays.
   */
  @Override
  public ReloadOutcome reload(ApplianceContext next) {
    if (server == null && server6 == null) {
      return ReloadOutcome.NOT_SUPPORTED;
    }
    Built b;
    try {
      b = build(next.config());
    } catch (ConfigException e) {
      LOG.error("dhcp: reload refused, keeping the running config: {}", e.lines());
      return ReloadOutcome.NEEDS_RESTART;
    } catch (RuntimeException e) {
      LOG.error("dhcp: reload refused, keeping the running config: {}", e.getMessage());
      return ReloadOutcome.NEEDS_RESTART;
    }
    b.notes().forEach(n -> LOG.warn("dhcp: {}", n));
    List<String> restart = new ArrayList<>();
    if (server != null) {
      restart.addAll(server.reload(b.config()));
    } else if (!b.config().pools().isEmpty()) {
      restart.add("DHCPv4 (off until now)");
    }
    if (server6 != null && b.config6().isPresent()) {
      restart.addAll(server6.reload(b.config6().get()));
      if (!b.ra().equals(runningRa)) {
        restart.add("dhcp.ra (router advertisements)");
      }
    } else if (server6 != null || b.config6().isPresent()) {
      restart.add(
          server6 == null ? "DHCPv6 (off until now)" : "DHCPv6 (no IPv6 range or host left)");
    }
    restart.forEach(r -> LOG.warn("dhcp: {} changed: needs a restart", r));
    return restart.isEmpty() ? ReloadOutcome.APPLIED : ReloadOutcome.NEEDS_RESTART;
  }

  /** The live leases (for the admin API). */
  public List<Lease> leases() {
    return server == null ? List.of() : server.leases();
  }

  /** The live DHCPv6 bindings (for the admin API). */
  public List<Lease6> leases6() {
    return server6 == null ? List.of() : server6.leases();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    if (server != null) {
      out.addAll(server.addresses());
    }
    if (server6 != null) {
      out.addAll(server6.addresses());
    }
    return out;
  }

  @Override
  public List<String> urls() {
    return addresses().stream()
        .map(
            a ->
                "dhcp://"
                    + (a.getAddress() instanceof Inet6Address
                        ? "[" + a.getAddress().getHostAddress() + "]"
                        : a.getAddress().getHostAddress())
                    + ":"
                    + a.getPort())
        .toList();
  }

  @Override
  public Map<String, Long> counters() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    if (server != null) {
      out.putAll(server.counters());
    }
    if (server6 != null) {
      server6.counters().forEach((k, v) -> out.put("v6_" + k, v));
    }
    return out;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    if (server6 != null) {
      server6.close();
    }
  }
}
