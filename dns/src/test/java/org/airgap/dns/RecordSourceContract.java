package org.airgap.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link RecordSource} promises; each implementation's test supplies a factory. */
abstract class RecordSourceContract {

  /** A source holding {@code records} now. */
  abstract RecordSource create(List<DnsRecord> records);

  /** Changes the source to hold {@code records}, or returns false if it never changes. */
  abstract boolean change(RecordSource source, List<DnsRecord> records);

  static final DnsRecord HOST = host("master-0.lab.example", "192.168.126.20");

  static DnsRecord host(String name, String addr) {
    try {
      return new DnsRecord.Host(name, List.of(InetAddress.getByName(addr)));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void recordsAreAnImmutableSnapshot() {
    RecordSource s = create(List.of(HOST));
    assertThat(s.records()).containsExactly(HOST);
    assertThatThrownBy(() -> s.records().add(HOST))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void listenersHearChangesUntilUnsubscribed() {
    RecordSource s = create(List.of(HOST));
    AtomicInteger calls = new AtomicInteger();
    RecordSource.Subscription sub = s.subscribe(calls::incrementAndGet);
    DnsRecord other = host("master-1.lab.example", "192.168.126.21");
    if (!change(s, List.of(HOST, other))) {
      assertThat(calls).hasValue(0);
      return;
    }
    assertThat(s.records()).containsExactlyInAnyOrder(HOST, other);
    assertThat(calls).hasValue(1);
    sub.close();
    sub.close();
    change(s, List.of());
    assertThat(calls).hasValue(1);
    assertThat(s.records()).isEmpty();
  }
}
