package org.airgap.appliance.config;

/**
 * The one place that builds the URLs airgap prints or renders: from a service's {@code advertise}
 * override, else from {@code site.hostname} and the service's port. IPv6 literals are bracketed,
 * IPv4 literals and names never are.
 */
public final class Urls {
  private final Site site;

  public Urls(Site site) {
    this.site = site;
  }

  /** {@code host:port} clients use for a service listening on {@code port}. */
  public String hostPort(String advertise, int port) {
    if (advertise != null) {
      Advertise a = Advertise.parse(advertise);
      return Addresses.hostPort(a.host(), a.port());
    }
    return Addresses.hostPort(site.hostname(), port);
  }

  /** {@code scheme://host:port} for a service. */
  public String base(boolean tls, String advertise, int port) {
    return (tls ? "https://" : "http://") + hostPort(advertise, port);
  }

  public Site site() {
    return site;
  }
}
