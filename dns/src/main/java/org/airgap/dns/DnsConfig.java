package org.airgap.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the DNS server needs.
 *
 * @param listen addresses to serve UDP and TCP on (port 0: any free port, the same for both)
 * @param zones domains airgap is authoritative for (SOA and NS at each apex)
 * @param records the published records (names outside every zone get a zone of their own)
 * @param reverseNetworks networks whose reverse zones are authoritative besides those of the host
 *     records' addresses (/24 and /64 around each), e.g. DHCP ranges
 * @param upstreams where names outside the zones go; none: REFUSED at once
 * @param nameserver the NS and SOA primary name of every zone
 * @param ttl the TTL of every published record and of negative answers (seconds)
 * @param upstreamTimeout how long to wait for one upstream before the next is asked
 * @param cacheSize how many forwarded answers are kept (0: no cache)
 */
public record DnsConfig(
    List<InetSocketAddress> listen,
    List<String> zones,
    List<DnsRecord> records,
    List<Network> reverseNetworks,
    List<Upstream> upstreams,
    String nameserver,
    int ttl,
    Duration upstreamTimeout,
    int cacheSize) {

  public static final int DEFAULT_TTL = 300;

  public DnsConfig {
    listen = List.copyOf(listen);
    zones = zones.stream().map(Names::normalize).distinct().toList();
    records = List.copyOf(records);
    reverseNetworks = List.copyOf(reverseNetworks);
    upstreams = List.copyOf(upstreams);
    nameserver = Names.normalize(nameserver);
    if (ttl < 0) {
      throw new IllegalArgumentException("ttl must not be negative");
    }
    if (upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
      throw new IllegalArgumentException("upstream timeout must be positive");
    }
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cache size must not be negative");
    }
  }

  /** A config for {@code domain} with no records, listening on {@code listen}. */
  public static DnsConfig of(List<InetSocketAddress> listen, String domain) {
    return new DnsConfig(
        listen,
        List.of(domain),
        List.of(),
        List.of(),
        List.of(),
        "ns." + Names.normalize(domain),
        DEFAULT_TTL,
        Duration.ofSeconds(2),
        10_000);
  }

  public DnsConfig withRecords(List<DnsRecord> more) {
    List<DnsRecord> all = new ArrayList<>(records);
    all.addAll(more);
    return new DnsConfig(
        listen,
        zones,
        all,
        reverseNetworks,
        upstreams,
        nameserver,
        ttl,
        upstreamTimeout,
        cacheSize);
  }

  public DnsConfig withUpstreams(List<Upstream> u) {
    return new DnsConfig(
        listen, zones, records, reverseNetworks, u, nameserver, ttl, upstreamTimeout, cacheSize);
  }

  public DnsConfig withZones(List<String> z) {
    return new DnsConfig(
        listen,
        z,
        records,
        reverseNetworks,
        upstreams,
        nameserver,
        ttl,
        upstreamTimeout,
        cacheSize);
  }

  public DnsConfig withReverseNetworks(List<Network> n) {
    return new DnsConfig(
        listen, zones, records, n, upstreams, nameserver, ttl, upstreamTimeout, cacheSize);
  }

  public DnsConfig withListen(List<InetSocketAddress> l) {
    return new DnsConfig(
        l, zones, records, reverseNetworks, upstreams, nameserver, ttl, upstreamTimeout, cacheSize);
  }

  public DnsConfig withNameserver(String ns) {
    return new DnsConfig(
        listen, zones, records, reverseNetworks, upstreams, ns, ttl, upstreamTimeout, cacheSize);
  }

  public DnsConfig withTtl(int t) {
    return new DnsConfig(
        listen,
        zones,
        records,
        reverseNetworks,
        upstreams,
        nameserver,
        t,
        upstreamTimeout,
        cacheSize);
  }

  public DnsConfig withUpstreamTimeout(Duration d) {
    return new DnsConfig(
        listen, zones, records, reverseNetworks, upstreams, nameserver, ttl, d, cacheSize);
  }

  public DnsConfig withCacheSize(int n) {
    return new DnsConfig(
        listen, zones, records, reverseNetworks, upstreams, nameserver, ttl, upstreamTimeout, n);
  }
}
