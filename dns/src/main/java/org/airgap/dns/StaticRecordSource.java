package org.airgap.dns;

import java.util.List;

/** A {@link RecordSource} that never changes. */
public record StaticRecordSource(List<DnsRecord> records) implements RecordSource {
  public StaticRecordSource {
    records = List.copyOf(records);
  }

  @Override
  public Subscription subscribe(Runnable listener) {
    return () -> {};
  }
}
