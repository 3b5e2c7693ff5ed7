package org.airgap.appliance.services;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigException;
import org.airgap.appliance.config.DnsSection;
import org.airgap.appliance.config.DnsmasqSection;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.config.Site;
import org.airgap.dns.DnsConfig;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.DnsServer;
import org.airgap.dns.ForwardingLoops;
import org.airgap.dns.ResolvConf;
import org.airgap.dns.Upstream;
import org.airgap.dns.dnsmasq.DnsmasqConfig;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.airgap.dns.dnsmasq.FileWatcher;
import org.airgap.dns.dnsmasq.Setting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's DNS server, wired from {@code dns:}, {@code dnsmasq:} and {@code site:}. The YAML wins
 * where both set something (listen, port, upstreams, TTL); the dnsmasq line is then reported as
 * overridden. dnsmasq lines fill what the YAML leaves at its default.
 */
public final class DnsUnit implements ManagedService {
  private static final Logger LOG = LoggerFactory.getLogger(DnsUnit.class);
  private static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

  private volatile ApplianceContext ctx;
  private final DnsParser parser;
  private final Built built;
  private final DnsServer server;
  private FileWatcher watcher;

  /** How the dnsmasq files are read (tests pass their own hosts and resolv.conf). */
  public interface DnsParser {
    DnsmasqConfig parse(List<Path> files);
  }

  /** The server's config, the files it came from, and what to tell the operator. */
  public record Built(DnsConfig config, DnsmasqConfig dnsmasq, List<String> notes) {}

  public DnsUnit(ApplianceContext ctx) {
    this(ctx, DnsmasqParser.system()::parse);
  }

  public DnsUnit(ApplianceContext ctx, DnsParser parser) {
    this.ctx = ctx;
    this.parser = parser;
    this.built = build(ctx.config(), parser);
    this.server = new DnsServer(built.config(), List.of(ctx.leaseRecords()));
  }

  /**
   * The DNS server's config from {@code dns:}, {@code dnsmasq:} and {@code site:}.
   *
   * @throws ConfigException when an upstream is one of airgap's own listen addresses
   */
  public static Built build(AirgapConfig config, DnsParser parser) {
    DnsSection s = config.dns();
    DnsmasqSection dm = config.dnsmasq();
    Site site = config.site();
    DnsmasqConfig d =
        dm.confFiles().isEmpty() ? DnsmasqConfig.empty() : parser.parse(dm.confFiles());
    List<String> notes = new ArrayList<>();
    d.warnings().forEach(w -> notes.add(w.toString()));

    // listen: the YAML's, unless it is at its default and dnsmasq says listen-address/port.
    boolean yamlListen = !s.listen().equals(DnsSection.defaults().listen());
    List<InetSocketAddress> listen = s.listen().stream().map(ListenAddress::socketAddress).toList();
    if (!d.listenAddresses().isEmpty() || d.port().isPresent()) {
      if (yamlListen) {
        d.listenAddresses().forEach(l -> notes.add(overridden(l.source(), "dns.listen")));
        d.port().ifPresent(p -> notes.add(overridden(p.source(), "dns.listen")));
      } else {
        int port = d.port().map(Setting::value).orElse(53);
        List<InetAddress> hosts =
            d.listenAddresses().isEmpty()
                ? List.of(s.listen().get(0).host())
                : d.listenAddresses().stream().map(Setting::value).distinct().toList();
        listen = hosts.stream().map(h -> new InetSocketAddress(h, port)).toList();
      }
    }

    int ttl = s.ttl();
    if (d.ttl().isPresent()) {
      if (s.ttl() != DnsSection.DEFAULT_TTL) {
        notes.add(overridden(d.ttl().get().source(), "dns.ttl"));
      } else {
        ttl = d.ttl().get().value();
      }
    }
    int cacheSize = s.cacheSize();
    if (d.cacheSize().isPresent()) {
      if (s.cacheSize() != DnsSection.defaults().cacheSize()) {
        notes.add(overridden(d.cacheSize().get().source(), "dns.cache-size"));
      } else {
        cacheSize = d.cacheSize().get().value();
      }
    }

    List<Upstream> upstreams = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (!s.upstreams().isEmpty()) {
      s.upstreams().forEach(u -> upstreams.add(DnsSection.upstream(u)));
      d.upstreams().forEach(u -> notes.add(overridden(u.source(), "dns.upstreams")));
      for (Upstream u : ForwardingLoops.find(listen, upstreams)) {
        problems.add(
            "dns.upstreams["
                + upstreams.indexOf(u)
                + "]: "
                + text(u)
                + " is one of airgap's own DNS listen addresses: forwarding to it would loop"
                + " (hint: name the site's real upstream, or none to refuse other names)");
      }
    } else {
      for (Setting<Upstream> u : d.upstreams()) {
        if (ForwardingLoops.isOwn(listen, u.value().address())) {
          problems.add(
              u.source()
                  + ": server="
                  + text(u.value())
                  + " is one of airgap's own DNS listen addresses: forwarding to it would loop");
        } else {
          upstreams.add(u.value());
        }
      }
      if (d.resolvFile().isPresent()) {
        Path resolv = d.resolvFile().get();
        for (InetSocketAddress a : ResolvConf.nameservers(resolv)) {
          if (ForwardingLoops.isOwn(listen, a)) {
            // The procedure's dispatcher script points resolv.conf at the bastion itself.
            notes.add(
                resolv
                    + ": nameserver "
                    + a.getAddress().getHostAddress()
                    + " is airgap itself; skipped");
          } else {
            upstreams.add(Upstream.of(a));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }

    List<String> zones = new ArrayList<>();
    zones.add(site.domain());
    zones.addAll(s.zones());
    zones.addAll(d.zones());
    List<DnsRecord> records = new ArrayList<>(siteRecords(site));
    records.addAll(org.airgap.appliance.cluster.ClusterFeeds.dnsRecords(config));
    records.addAll(s.records());
    records.addAll(d.records());
    String ns = siteNames(site).stream().findFirst().orElse("ns." + site.domain());
    DnsConfig c =
        DnsConfig.of(listen, site.domain())
            .withZones(zones)
            .withRecords(records)
            .withUpstreams(upstreams)
            .withNameserver(ns)
            .withTtl(ttl)
            .withUpstreamTimeout(Duration.ofMillis(s.upstreamTimeoutMs()))
            .withCacheSize(cacheSize)
            .withReverseNetworks(DhcpUnit.rangeNetworks(config, d));
    return new Built(c, d, notes);
  }

  private static String overridden(org.airgap.dns.dnsmasq.Source src, String key) {
    return src + ": overridden by " + key + " in the YAML";
  }

  private static String text(Upstream u) {
    InetSocketAddress a = u.address();
    return Addresses.hostPort(Addresses.text(a.getAddress()), a.getPort());
  }

  private static Set<String> siteNames(Site site) {
    Set<String> names = new LinkedHashSet<>();
    if (!Addresses.isLiteral(site.hostname())) {
      names.add(site.hostname());
    }
    names.addAll(site.hostnames());
    return names;
  }

  /** {@code site.hostname} and {@code site.hostnames} → {@code site.addresses}. */
  private static List<DnsRecord> siteRecords(Site site) {
    List<InetAddress> addresses = site.inetAddresses();
    List<DnsRecord> records = new ArrayList<>();
    if (addresses.isEmpty()) {
      return records;
    }
    for (String h : siteNames(site)) {
      records.add(new DnsRecord.Host(h, addresses));
    }
    return records;
  }

  /** The config this unit was built with. */
  public Built built() {
    return built;
  }

  @Override
  public String name() {
    return "dns";
  }

  @Override
  public void start() {
    built.notes().forEach(n -> LOG.warn("dns: {}", n));
    server.start();
    List<Path> files = built.dnsmasq().files();
    if (ctx.config().dnsmasq().watch() && !files.isEmpty()) {
      watcher = new FileWatcher(files, WATCH_INTERVAL, this::reload);
      watcher.start();
    }
  }

  /**
   * Re-reads the dnsmasq files and applies the records, zones, upstreams and TTL without dropping a
   * query (SIGHUP, or a change of a watched file). A broken config keeps the running one.
   */
  public void reload() {
    reload(ctx);
  }

  /**
   * SIGHUP: the new config's records, zones and upstreams, and the dnsmasq files read again. New
   * listen addresses need a restart; everything else applies live.
   */
  @Override
  public ReloadOutcome reload(ApplianceContext next) {
    try {
      Built b = build(next.config(), parser);
      b.notes().forEach(n -> LOG.warn("dns: {}", n));
      server.reload(b.config());
      boolean moved = !next.config().dns().listen().equals(ctx.config().dns().listen());
      ctx = next;
      return moved ? ReloadOutcome.NEEDS_RESTART : ReloadOutcome.APPLIED;
    } catch (ConfigException e) {
      LOG.error("dns: reload refused, keeping the running config: {}", e.lines());
      return ReloadOutcome.APPLIED;
    }
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return server.addresses();
  }

  @Override
  public List<String> urls() {
    return addresses().stream()
        .map(a -> "dns://" + Addresses.hostPort(Addresses.text(a.getAddress()), a.getPort()))
        .toList();
  }

  @Override
  public Map<String, Long> counters() {
    return server.counters();
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    server.close();
  }
}
