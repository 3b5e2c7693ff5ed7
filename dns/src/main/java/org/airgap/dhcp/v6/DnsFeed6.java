package org.airgap.dhcp.v6;

import java.util.List;
import java.util.Optional;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.MutableRecordSource;

/**
 * Publishes each named DHCPv6 binding as {@code <hostname>.<domain>} AAAA (and, through the DNS
 * server, PTR), keyed {@code dhcp6/<duid>/<iaid>}; removes it when the binding ends. Without a
 * domain, bindings are not published.
 */
public final class DnsFeed6 implements Lease6Listener {
  private final MutableRecordSource records;
  private final Optional<String> domain;

  public DnsFeed6(MutableRecordSource records, Optional<String> domain) {
    this.records = records;
    this.domain = domain;
  }

  static String key(Lease6 l) {
    return "dhcp6/" + l.duid() + "/" + l.iaid();
  }

  @Override
  public void bound(Lease6 l) {
    if (l.hostname().isPresent() && domain.isPresent()) {
      String fqdn = l.hostname().get() + "." + domain.get();
      records.put(key(l), List.of(new DnsRecord.Host(fqdn, List.of(l.address()))));
    } else {
      records.remove(key(l));
    }
  }

  @Override
  public void ended(Lease6 l) {
    records.remove(key(l));
  }
}
