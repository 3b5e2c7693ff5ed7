package org.airgap.appliance.config;

import java.util.List;

/**
 * {@code dns:} the authoritative DNS server. Port 1053 in dev; 53 on the site addresses under
 * systemd (never the wildcard on 53: libvirt's dnsmasq holds 53 on its bridges).
 */
public record DnsSection(Boolean enabled, List<ListenAddress> listen, Integer ttl) {

  public DnsSection {
    enabled = enabled == null || enabled;
    listen = listen == null ? List.of(ListenAddress.parse("[::]:1053")) : List.copyOf(listen);
    ttl = ttl == null ? 300 : ttl;
  }

  void validate(Problems p) {
    Sections.validateListen(p, "dns", listen, enabled);
    if (ttl < 0) {
      p.add("dns.ttl", "must not be negative", "300 is the default");
    }
    for (int i = 0; i < listen.size(); i++) {
      ListenAddress l = listen.get(i);
      if (enabled && l.port() == 53 && l.isWildcard()) {
        p.add(
            "dns.listen[" + i + "]",
            "the wildcard address on port 53 collides with libvirt's dnsmasq",
            "list the site addresses and 127.0.0.1 instead");
      }
    }
  }

  /** Every key at its default. */
  public static DnsSection defaults() {
    return new DnsSection(null, null, null);
  }
}
