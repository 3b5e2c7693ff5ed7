package org.airgap.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RecordSource} whose records are set by key, e.g. one key per DHCP lease: {@code
 * put("52:54:00:aa:bb:01", List.of(new Host("master-0.lab", List.of(addr))))}.
 */
public final class MutableRecordSource implements RecordSource {
  private final Map<String, List<DnsRecord>> byKey = new LinkedHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile List<DnsRecord> snapshot = List.of();

  /** Sets the records of {@code key}, replacing what it had. */
  public void put(String key, List<DnsRecord> records) {
    List<DnsRecord> copy = List.copyOf(records);
    synchronized (byKey) {
      if (copy.equals(byKey.get(key))) {
        return;
      }
      byKey.put(key, copy);
      publish();
    }
    fire();
  }

  /** Removes the records of {@code key}; nothing happens if it has none. */
  public void remove(String key) {
    synchronized (byKey) {
      if (byKey.remove(key) == null) {
        return;
      }
      publish();
    }
    fire();
  }

  private void publish() {
    List<DnsRecord> all = new ArrayList<>();
    byKey.values().forEach(all::addAll);
    snapshot = List.copyOf(all);
  }

  private void fire() {
    for (Runnable l : listeners) {
      l.run();
    }
  }

  @Override
  public List<DnsRecord> records() {
    return snapshot;
  }

  @Override
  public Subscription subscribe(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
