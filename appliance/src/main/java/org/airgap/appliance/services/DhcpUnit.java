package org.airgap.appliance.services;

import java.net.Inet4Address;
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
import org.airgap.dns.Addresses;
import org.airgap.dns.Network;
import org.airgap.dns.dnsmasq.DnsmasqConfig;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.airgap.dns.dnsmasq.Setting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DHCPv4, wired from {@code dhcp:} and the dhcp lines of the dnsmasq files; leases under {@code
 * <data-dir>/dhcp/leases4.log}, named leases published in DNS as {@code <name>.<domain>}.
 */
public final class DhcpUnit implements ManagedService {
  private static final Logger LOG = LoggerFactory.getLogger(DhcpUnit.class);

  private final ApplianceContext ctx;
  private DhcpServer server;

  /** The server's config and what to tell the operator. */
  public record Built(DhcpConfig config, List<String> notes) {}

  public DhcpUnit(ApplianceContext ctx) {
    this.ctx = ctx;
  }

  /** Where the leases live. */
  public static Path leaseFile(AirgapConfig config) {
    return config.dataDir().resolve("dhcp").resolve("leases4.log");
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
    if (pools.isEmpty()) {
      notes.add("no DHCP range: only INFORM is answered (add dhcp.ranges or a dhcp-range line)");
    }
    return new Built(c, notes);
  }

  private static List<Pool> yamlRanges(DhcpSection s) {
    List<Pool> out = new ArrayList<>();
    for (DhcpSection.Range r : s.ranges()) {
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
    server = new DhcpServer(b.config(), new DnsFeed(ctx.leaseRecords(), b.config().domain()));
    server.start();
  }

  /**
   * SIGHUP: the YAML's and the dnsmasq files' hosts, ranges and options, and the site spec's
   * workers, are read again and served from the next request on; leases are kept. A new config that
   * does not load is refused and the running one stays.
   */
  @Override
  public ReloadOutcome reload(ApplianceContext next) {
    if (server == null) {
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
    List<String> restart = server.reload(b.config());
    restart.forEach(r -> LOG.warn("dhcp: {} changed: needs a restart", r));
    return restart.isEmpty() ? ReloadOutcome.APPLIED : ReloadOutcome.NEEDS_RESTART;
  }

  /** The live leases (for the admin API). */
  public List<Lease> leases() {
    return server == null ? List.of() : server.leases();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return server == null ? List.of() : server.addresses();
  }

  @Override
  public List<String> urls() {
    return addresses().stream()
        .map(a -> "dhcp://" + a.getAddress().getHostAddress() + ":" + a.getPort())
        .toList();
  }

  @Override
  public Map<String, Long> counters() {
    return server == null ? Map.of() : server.counters();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
