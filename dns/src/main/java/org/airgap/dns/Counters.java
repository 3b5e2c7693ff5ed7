package org.airgap.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters, by name; cheap to bump from many threads. */
final class Counters {
  static final String QUERIES = "queries";
  static final String QUERIES_UDP = "queries.udp";
  static final String QUERIES_TCP = "queries.tcp";
  static final String DROPPED = "dropped";
  static final String TRUNCATED = "truncated";
  static final String FORWARDED = "forwarded";
  static final String FORWARD_TIMEOUTS = "forward.timeouts";
  static final String FORWARD_TCP_RETRIES = "forward.tcp-retries";
  static final String CACHE_HITS = "cache.hits";
  static final String RELOADS = "reloads";

  private final Map<String, LongAdder> adders = new ConcurrentHashMap<>();
  private final LongAdder[] byRcode = new LongAdder[Rcode.values().length];

  Counters() {
    for (String n :
        new String[] {
          QUERIES,
          QUERIES_UDP,
          QUERIES_TCP,
          DROPPED,
          TRUNCATED,
          FORWARDED,
          FORWARD_TIMEOUTS,
          FORWARD_TCP_RETRIES,
          CACHE_HITS,
          RELOADS
        }) {
      adders.put(n, new LongAdder());
    }
    for (Rcode r : Rcode.values()) {
      byRcode[r.ordinal()] = new LongAdder();
    }
  }

  void inc(String name) {
    adders.get(name).increment();
  }

  void answered(Rcode rcode) {
    byRcode[rcode.ordinal()].increment();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    adders.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> m.put(e.getKey(), e.getValue().sum()));
    for (Rcode r : Rcode.values()) {
      m.put(r.counter(), byRcode[r.ordinal()].sum());
    }
    return m;
  }
}
