package org.airgap.dhcp.v6;

import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The DHCPv6 server's config.
 *
 * @param interfaces the interfaces served; empty: every interface with an IPv6 address inside a
 *     range's network
 * @param dnsServers option 23; empty: the server's own address on the client's link
 * @param domains option 24 (the domain search list); the first is also the lease FQDNs' domain
 * @param rapidCommit answer a SOLICIT carrying Rapid Commit with a REPLY (RFC 8415 section 18.3.1)
 * @param leaseMax most dynamic bindings at once
 * @param ignoreUnknown answer only the static hosts
 * @param leaseFile the lease log ({@code <data-dir>/dhcp/leases6.log})
 * @param serverPort 547 (another value only for tests)
 * @param offerHold how long an advertised address stays reserved for the client it went to
 * @param declineHold how long a declined address is not offered again
 */
public record Dhcp6Config(
    List<String> interfaces,
    List<Range6> ranges,
    List<Host6> hosts,
    List<Inet6Address> dnsServers,
    List<String> domains,
    Duration leaseTime,
    boolean rapidCommit,
    int leaseMax,
    boolean ignoreUnknown,
    Path leaseFile,
    int serverPort,
    Duration offerHold,
    Duration declineHold) {
  public Dhcp6Config {
    interfaces = List.copyOf(interfaces);
    ranges = List.copyOf(ranges);
    hosts = List.copyOf(hosts);
    dnsServers = List.copyOf(dnsServers);
    domains = List.copyOf(domains);
    if (leaseMax < 1) {
      throw new IllegalArgumentException("lease-max must be at least 1");
    }
  }

  /** Nothing served yet; dnsmasq's defaults elsewhere. */
  public static Dhcp6Config of(Path leaseFile) {
    return new Dhcp6Config(
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        Duration.ofHours(1),
        true,
        1000,
        false,
        leaseFile,
        547,
        Duration.ofSeconds(30),
        Duration.ofMinutes(10));
  }

  public Optional<String> domain() {
    return domains.stream().findFirst();
  }

  public Dhcp6Config withInterfaces(List<String> v) {
    return new Dhcp6Config(
        v,
        ranges,
        hosts,
        dnsServers,
        domains,
        leaseTime,
        rapidCommit,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withRanges(List<Range6> v) {
    return new Dhcp6Config(
        interfaces,
        v,
        hosts,
        dnsServers,
        domains,
        leaseTime,
        rapidCommit,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withHosts(List<Host6> v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        v,
        dnsServers,
        domains,
        leaseTime,
        rapidCommit,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withDnsServers(List<Inet6Address> v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        hosts,
        v,
        domains,
        leaseTime,
        rapidCommit,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withDomains(List<String> v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        hosts,
        dnsServers,
        v,
        leaseTime,
        rapidCommit,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withLeaseTime(Duration v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        hosts,
        dnsServers,
        domains,
        v,
        rapidCommit,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withRapidCommit(boolean v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        hosts,
        dnsServers,
        domains,
        leaseTime,
        v,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withLeaseMax(int v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        hosts,
        dnsServers,
        domains,
        leaseTime,
        rapidCommit,
        v,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withIgnoreUnknown(boolean v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        hosts,
        dnsServers,
        domains,
        leaseTime,
        rapidCommit,
        leaseMax,
        v,
        leaseFile,
        serverPort,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withServerPort(int v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        hosts,
        dnsServers,
        domains,
        leaseTime,
        rapidCommit,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        v,
        offerHold,
        declineHold);
  }

  public Dhcp6Config withDeclineHold(Duration v) {
    return new Dhcp6Config(
        interfaces,
        ranges,
        hosts,
        dnsServers,
        domains,
        leaseTime,
        rapidCommit,
        leaseMax,
        ignoreUnknown,
        leaseFile,
        serverPort,
        offerHold,
        v);
  }
}
