package org.airgap.appliance.services;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.DnsSection;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.config.Site;
import org.airgap.dns.DnsConfig;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.DnsServer;

/** The site's DNS server, wired from {@code dns:}, {@code dnsmasq:} and {@code site:}. */
public final class DnsUnit implements ManagedService {
  private final DnsServer server;

  public DnsUnit(ApplianceContext ctx) {
    this.server = new DnsServer(config(ctx));
  }

  /** The DNS server's config from {@code dns:}, {@code dnsmasq:} and {@code site:}. */
  static DnsConfig config(ApplianceContext ctx) {
    DnsSection s = ctx.config().dns();
    Site site = ctx.config().site();
    List<InetAddress> addresses = site.inetAddresses();
    Set<String> names = new LinkedHashSet<>();
    if (!Addresses.isLiteral(site.hostname())) {
      names.add(site.hostname());
    }
    names.addAll(site.hostnames());
    List<DnsRecord> records = new ArrayList<>();
    for (String h : names) {
      records.add(new DnsRecord.Host(h, addresses));
    }
    String ns = names.isEmpty() ? "ns." + site.domain() : names.iterator().next();
    return DnsConfig.of(
            s.listen().stream().map(ListenAddress::socketAddress).toList(), site.domain())
        .withRecords(records)
        .withNameserver(ns)
        .withTtl(s.ttl());
  }

  @Override
  public String name() {
    return "dns";
  }

  @Override
  public void start() {
    server.start();
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
    server.close();
  }
}
