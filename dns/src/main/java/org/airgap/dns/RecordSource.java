package org.airgap.dns;

import java.util.List;

/**
 * Records that change while the server runs (DHCP leases: {@code <hostname>.<domain>} → the leased
 * address, and its PTR). The server reads {@link #records()} whenever a source signals a change and
 * rebuilds its zones without dropping a query.
 */
public interface RecordSource {

  /** The records now: an immutable snapshot. */
  List<DnsRecord> records();

  /**
   * Calls {@code listener} after every change of {@link #records()} until the returned handle is
   * closed. The listener may run on any thread and must not block.
   */
  Subscription subscribe(Runnable listener);

  /** Stops a listener; idempotent. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
