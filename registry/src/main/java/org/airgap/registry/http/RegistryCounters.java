package org.airgap.registry.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the registry counts for /metrics. */
public final class RegistryCounters {
  final LongAdder requests = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder blobUploads = new LongAdder();
  final LongAdder manifestPuts = new LongAdder();
  final LongAdder authFailures = new LongAdder();
  final LongAdder clientErrors = new LongAdder();
  final LongAdder serverErrors = new LongAdder();

  /** A snapshot by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("requests", requests.sum());
    m.put("bytes_in", bytesIn.sum());
    m.put("bytes_out", bytesOut.sum());
    m.put("blob_uploads", blobUploads.sum());
    m.put("manifest_puts", manifestPuts.sum());
    m.put("auth_failures", authFailures.sum());
    m.put("client_errors", clientErrors.sum());
    m.put("server_errors", serverErrors.sum());
    return m;
  }
}
