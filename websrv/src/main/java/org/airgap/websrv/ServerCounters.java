package org.airgap.websrv;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one web server, read as a snapshot by {@link WebServer#counters()}. */
final class ServerCounters {
  final LongAdder requests = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder partial = new LongAdder();
  final LongAdder notModified = new LongAdder();
  final LongAdder clientErrors = new LongAdder();
  final LongAdder serverErrors = new LongAdder();
  final LongAdder aborted = new LongAdder();
  final LongAdder connections = new LongAdder();
  final LongAdder openConnections = new LongAdder();

  void response(int status, long bytes, boolean complete) {
    requests.increment();
    bytesSent.add(bytes);
    if (status == 206) {
      partial.increment();
    } else if (status == 304) {
      notModified.increment();
    } else if (status >= 500) {
      serverErrors.increment();
    } else if (status >= 400) {
      clientErrors.increment();
    }
    if (!complete) {
      aborted.increment();
    }
  }

  Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("requests", requests.sum());
    m.put("bytes_sent", bytesSent.sum());
    m.put("partial_responses", partial.sum());
    m.put("not_modified", notModified.sum());
    m.put("errors", clientErrors.sum() + serverErrors.sum());
    m.put("client_errors", clientErrors.sum());
    m.put("server_errors", serverErrors.sum());
    m.put("aborted_responses", aborted.sum());
    m.put("connections", connections.sum());
    m.put("open_connections", openConnections.sum());
    return Map.copyOf(m);
  }
}
