package org.airgap.dns;

import java.util.List;

class StaticRecordSourceTest extends RecordSourceContract {
  @Override
  RecordSource create(List<DnsRecord> records) {
    return new StaticRecordSource(records);
  }

  @Override
  boolean change(RecordSource source, List<DnsRecord> records) {
    return false;
  }
}
