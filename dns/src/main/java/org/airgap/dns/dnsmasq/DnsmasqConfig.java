package org.airgap.dns.dnsmasq;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.Upstream;

/**
 * What dnsmasq-syntax files say, routed: records, zones and upstreams for DNS; {@link DhcpLine}s
 * for DHCP; settings the YAML may override, each with its line; warnings with file and line.
 *
 * @param records host-record, address, cname, ptr-record, srv-host, txt-record and hosts files
 * @param zones local=/d/, domain=, server=/d/ without address, address=/d/ without address,
 *     bogus-priv's private reverse zones: answered here, never forwarded
 * @param dhcpDomain the first {@code domain=}: the DHCP domain option and the lease FQDNs
 * @param upstreams server= lines
 * @param resolvFile where upstreams come from when there is no {@code no-resolv}
 */
public record DnsmasqConfig(
    List<DnsRecord> records,
    List<String> zones,
    Optional<String> dhcpDomain,
    List<Setting<Upstream>> upstreams,
    Optional<Path> resolvFile,
    Optional<Setting<Integer>> port,
    List<Setting<InetAddress>> listenAddresses,
    Optional<Setting<Integer>> ttl,
    Optional<Setting<Integer>> cacheSize,
    boolean domainNeeded,
    List<DhcpLine> dhcp,
    List<Path> files,
    List<Warning> warnings) {

  public DnsmasqConfig {
    records = List.copyOf(records);
    zones = List.copyOf(zones);
    upstreams = List.copyOf(upstreams);
    listenAddresses = List.copyOf(listenAddresses);
    dhcp = List.copyOf(dhcp);
    files = List.copyOf(files);
    warnings = List.copyOf(warnings);
  }

  /** Nothing configured (no files). */
  public static DnsmasqConfig empty() {
    return new DnsmasqConfig(
        List.of(),
        List.of(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        false,
        List.of(),
        List.of(),
        List.of());
  }
}
