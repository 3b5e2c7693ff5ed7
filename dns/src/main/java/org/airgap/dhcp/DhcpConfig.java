package org.airgap.dhcp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The DHCPv4 server's config.
 *
 * @param interfaces the interfaces served; empty: every interface with an IPv4 address inside a
 *     pool's network
 * @param domain the domain option and the lease FQDNs ({@code domain=}, else {@code site.domain})
 * @param authoritative NAK requests for addresses this server does not know (dnsmasq's {@code
 *     dhcp-authoritative}); otherwise stay silent
 * @param leaseMax most dynamic leases at once ({@code dhcp-lease-max})
 * @param ignore tag conditions: a client matching one of them gets no answer ({@code
 *     dhcp-ignore=tag:!known} is {@code [["!known"]]})
 * @param leaseFile the lease log ({@code <data-dir>/dhcp/leases4.log})
 * @param serverPort 67; clientPort 68 (other values only for tests on loopback)
 * @param offerHold how long an offered address stays reserved for the client it was offered to
 * @param declineHold how long a declined address is not offered again
 */
public record DhcpConfig(
    List<String> interfaces,
    List<Pool> pools,
    List<StaticHost> hosts,
    List<OptionRule> options,
    Optional<String> domain,
    Duration leaseTime,
    boolean authoritative,
    int leaseMax,
    List<List<String>> ignore,
    Path leaseFile,
    int serverPort,
    int clientPort,
    Duration offerHold,
    Duration declineHold) {

  public DhcpConfig {
    interfaces = List.copyOf(interfaces);
    pools = List.copyOf(pools);
    hosts = List.copyOf(hosts);
    options = List.copyOf(options);
    ignore = ignore.stream().map(List::copyOf).toList();
    if (leaseMax < 1) {
      throw new IllegalArgumentException("lease-max must be at least 1");
    }
  }

  /** Nothing served yet: no pools, hosts or options; dnsmasq's defaults elsewhere. */
  public static DhcpConfig of(Path leaseFile) {
    return new DhcpConfig(
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        Optional.empty(),
        Duration.ofHours(1),
        false,
        1000,
        List.of(),
        leaseFile,
        67,
        68,
        Duration.ofSeconds(30),
        Duration.ofMinutes(10));
  }

  public DhcpConfig withInterfaces(List<String> i) {
    return new DhcpConfig(
        i,
        pools,
        hosts,
        options,
        domain,
        leaseTime,
        authoritative,
        leaseMax,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withPools(List<Pool> p) {
    return new DhcpConfig(
        interfaces,
        p,
        hosts,
        options,
        domain,
        leaseTime,
        authoritative,
        leaseMax,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withHosts(List<StaticHost> h) {
    return new DhcpConfig(
        interfaces,
        pools,
        h,
        options,
        domain,
        leaseTime,
        authoritative,
        leaseMax,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withOptions(List<OptionRule> o) {
    return new DhcpConfig(
        interfaces,
        pools,
        hosts,
        o,
        domain,
        leaseTime,
        authoritative,
        leaseMax,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withDomain(Optional<String> d) {
    return new DhcpConfig(
        interfaces,
        pools,
        hosts,
        options,
        d,
        leaseTime,
        authoritative,
        leaseMax,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withLeaseTime(Duration t) {
    return new DhcpConfig(
        interfaces,
        pools,
        hosts,
        options,
        domain,
        t,
        authoritative,
        leaseMax,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withAuthoritative(boolean a) {
    return new DhcpConfig(
        interfaces,
        pools,
        hosts,
        options,
        domain,
        leaseTime,
        a,
        leaseMax,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withLeaseMax(int m) {
    return new DhcpConfig(
        interfaces,
        pools,
        hosts,
        options,
        domain,
        leaseTime,
        authoritative,
        m,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withIgnore(List<List<String>> i) {
    return new DhcpConfig(
        interfaces,
        pools,
        hosts,
        options,
        domain,
        leaseTime,
        authoritative,
        leaseMax,
        i,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        declineHold);
  }

  public DhcpConfig withPorts(int server, int client) {
    return new DhcpConfig(
        interfaces,
        pools,
        hosts,
        options,
        domain,
        leaseTime,
        authoritative,
        leaseMax,
        ignore,
        leaseFile,
        server,
        client,
        offerHold,
        declineHold);
  }

  public DhcpConfig withDeclineHold(Duration d) {
    return new DhcpConfig(
        interfaces,
        pools,
        hosts,
        options,
        domain,
        leaseTime,
        authoritative,
        leaseMax,
        ignore,
        leaseFile,
        serverPort,
        clientPort,
        offerHold,
        d);
  }
}
