package org.airgap.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * What the DNS server needs: listen addresses, the site's zone, its host records and TTL.
 * (Placeholder shape; the DNS issue extends it.)
 */
public record DnsConfig(
    List<InetSocketAddress> listen, String domain, Map<String, List<InetAddress>> hosts, int ttl) {
  public DnsConfig {
    listen = List.copyOf(listen);
    hosts = Map.copyOf(hosts);
  }
}
