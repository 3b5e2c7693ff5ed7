package org.airgap.dhcp;

import java.util.List;
import java.util.Optional;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.MutableRecordSource;

/**
 * Publishes each named lease as {@code <hostname>.<domain>} A (and, through the DNS server, PTR) in
 * a {@link MutableRecordSource}, keyed {@code dhcp4/<mac>}; removes it when the lease ends. Without
 * a domain, leases are not published (a bare name is no FQDN).
 */
public final class DnsFeed implements LeaseListener {
  private final MutableRecordSource records;
  private final Optional<String> domain;

  public DnsFeed(MutableRecordSource records, Optional<String> domain) {
    this.records = records;
    this.domain = domain;
  }

  static String key(Mac mac) {
    return "dhcp4/" + mac;
  }

  @Override
  public void bound(Lease l) {
    if (l.hostname().isPresent() && domain.isPresent()) {
      String fqdn = l.hostname().get() + "." + domain.get();
      records.put(key(l.mac()), List.of(new DnsRecord.Host(fqdn, List.of(l.address()))));
    } else {
      records.remove(key(l.mac()));
    }
  }

  @Override
  public void ended(Lease l) {
    records.remove(key(l.mac()));
  }
}
