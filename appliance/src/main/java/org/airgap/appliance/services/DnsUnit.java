package org.airgap.appliance.services;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.airgap.appliance.config.DnsSection;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.config.Site;
import org.airgap.dns.DnsConfig;
import org.airgap.dns.DnsServer;

/** The site's DNS server, wired from {@code dns:}, {@code dnsmasq:} and {@code site:}. */
public final class DnsUnit implements ManagedService {
  private final DnsServer server;

  public DnsUnit(ApplianceContext ctx) {
    DnsSection s = ctx.config().dns();
    Site site = ctx.config().site();
    Map<String, List<InetAddress>> hosts = new LinkedHashMap<>();
    List<InetAddress> addresses = site.inetAddresses();
    hosts.put(site.hostname(), addresses);
    for (String h : site.hostnames()) {
      hosts.put(h, addresses);
    }
    this.server =
        new DnsServer(
            new DnsConfig(
                s.listen().stream().map(ListenAddress::socketAddress).toList(),
                site.domain(),
                hosts,
                s.ttl()));
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
        .map(
            a ->
                "dns://"
                    + org.airgap.appliance.config.Addresses.hostPort(
                        org.airgap.appliance.config.Addresses.text(a.getAddress()), a.getPort()))
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
