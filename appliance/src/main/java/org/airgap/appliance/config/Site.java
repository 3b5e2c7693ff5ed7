package org.airgap.appliance.config;

import java.net.InetAddress;
import java.util.List;

/**
 * The site: its DNS domain, the bastion's addresses on the cluster network, and the names that
 * reach it. {@code hostname} is the one name the clusters use (default: the first of {@code
 * hostnames}); every URL airgap prints or renders is built from it (see {@link Urls}).
 */
public record Site(String domain, List<String> addresses, List<String> hostnames, String hostname) {

  public static final String DEFAULT_DOMAIN = "airgap.test";

  public Site {
    domain = domain == null ? DEFAULT_DOMAIN : domain;
    addresses = addresses == null ? List.of("127.0.0.1", "::1") : List.copyOf(addresses);
    hostnames = hostnames == null ? List.of("registry." + domain) : List.copyOf(hostnames);
    hostname = hostname == null ? (hostnames.isEmpty() ? "localhost" : hostnames.get(0)) : hostname;
  }

  void validate(Problems p) {
    p.check("site.domain", () -> Addresses.hostname(domain));
    for (int i = 0; i < addresses.size(); i++) {
      String a = addresses.get(i);
      p.check("site.addresses[" + i + "]", () -> Addresses.literal(a));
    }
    for (int i = 0; i < hostnames.size(); i++) {
      String h = hostnames.get(i);
      p.check("site.hostnames[" + i + "]", () -> Addresses.hostname(h));
    }
    if (!Addresses.isLiteral(hostname)) {
      p.check("site.hostname", () -> Addresses.hostname(hostname));
    }
  }

  public List<InetAddress> inetAddresses() {
    return addresses.stream().map(Addresses::literal).toList();
  }

  /** Every key at its default. */
  public static Site defaults() {
    return new Site(null, null, null, null);
  }
}
