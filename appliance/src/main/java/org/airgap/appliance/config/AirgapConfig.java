package org.airgap.appliance.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one config file ({@code /etc/airgap/airgap.yaml} under systemd, {@code ./airgap.yaml} or
 * built-in defaults in dev). Every node is a record; missing keys take their defaults in the
 * compact constructors; {@link #validate} checks what types alone cannot.
 */
public record AirgapConfig(
    Path dataDir,
    Site site,
    RegistrySection registry,
    WebsrvSection websrv,
    DnsSection dns,
    DnsmasqSection dnsmasq,
    DhcpSection dhcp,
    RedfishSection redfish,
    AdminSection admin,
    CertificatesSection certificates,
    ClusterSection cluster) {

  public AirgapConfig {
    dataDir = dataDir == null ? Path.of("./var") : dataDir;
    site = site == null ? Site.defaults() : site;
    registry = registry == null ? RegistrySection.defaults() : registry;
    websrv = websrv == null ? WebsrvSection.defaults() : websrv;
    dns = dns == null ? DnsSection.defaults() : dns;
    dnsmasq = dnsmasq == null ? DnsmasqSection.defaults() : dnsmasq;
    dhcp = dhcp == null ? DhcpSection.defaults() : dhcp;
    redfish = redfish == null ? RedfishSection.defaults() : redfish;
    admin = admin == null ? AdminSection.defaults() : admin;
    certificates = certificates == null ? CertificatesSection.defaults() : certificates;
    cluster = cluster == null ? ClusterSection.defaults() : cluster;
  }

  /** The web server's root: {@code websrv.root}, else {@code <data-dir>/srv}. */
  public Path websrvRoot() {
    return websrv.root() != null ? websrv.root() : dataDir.resolve("srv");
  }

  /** The htpasswd file shared by the services unless one names its own. */
  public Path htpasswd() {
    return dataDir.resolve("htpasswd");
  }

  public Problems validate() {
    Problems p = new Problems();
    site.validate(p);
    registry.validate(p);
    websrv.validate(p);
    dns.validate(p);
    dnsmasq.validate(p);
    dhcp.validate(p);
    redfish.validate(p);
    admin.validate(p);
    certificates.validate(p);
    cluster.validate(p);
    checkPortClashes(p);
    return p;
  }

  private record Bound(String path, ListenAddress address, boolean tcp, boolean udp) {}

  private void checkPortClashes(Problems p) {
    List<Bound> all = new ArrayList<>();
    addAll(all, "registry", registry.enabled(), registry.listen(), true, false);
    addAll(all, "websrv", websrv.enabled(), websrv.listen(), true, false);
    addAll(all, "dns", dns.enabled(), dns.listen(), true, true);
    addAll(all, "redfish", redfish.enabled(), redfish.listen(), true, false);
    addAll(all, "admin", true, admin.listen(), true, false);
    for (int i = 0; i < all.size(); i++) {
      for (int j = 0; j < i; j++) {
        Bound a = all.get(i);
        Bound b = all.get(j);
        boolean sameProto = (a.tcp && b.tcp) || (a.udp && b.udp);
        if (sameProto && a.address.overlaps(b.address)) {
          p.add(
              a.path,
              "port " + a.address.port() + " is also used by " + b.path,
              "give each service its own port");
        }
      }
    }
  }

  private static void addAll(
      List<Bound> all,
      String section,
      boolean enabled,
      List<ListenAddress> listen,
      boolean tcp,
      boolean udp) {
    if (!enabled) {
      return;
    }
    for (int i = 0; i < listen.size(); i++) {
      all.add(new Bound(section + ".listen[" + i + "]", listen.get(i), tcp, udp));
    }
  }
}
