package org.airgap.dns;

import java.util.List;

class MutableRecordSourceTest extends RecordSourceContract {
  @Override
  RecordSource create(List<DnsRecord> records) {
    MutableRecordSource s = new MutableRecordSource();
    s.put("k", records);
    return s;
  }

  @Override
  boolean change(RecordSource source, List<DnsRecord> records) {
    MutableRecordSource s = (MutableRecordSource) source;
    if (records.isEmpty()) {
      s.remove("k");
    } else {
      s.put("k", records);
    }
    return true;
  }
}
