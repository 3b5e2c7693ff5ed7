package org.airgap.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Forwarding against an upstream DNS server started in the test (another DnsServer, authoritative
 * for upstream.test): TCP fallback on TC, failover past a dead upstream, negative caching.
 */
class ForwardingTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private DnsServer upstream;

  @BeforeEach
  void startUpstream() throws Exception {
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      big.add("x".repeat(200) + i);
    }
    upstream =
        new DnsServer(
            DnsConfig.of(List.of(new InetSocketAddress("127.0.0.1", 0)), "upstream.test")
                .withRecords(
                    List.of(
                        new DnsRecord.Host(
                            "www.upstream.test", List.of(InetAddress.getByName("192.0.2.80"))),
                        new DnsRecord.Txt("big.upstream.test", big)))
                .withTtl(60));
    upstream.start();
    open.add(upstream);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private DnsServer forwarder(List<InetSocketAddress> upstreams) {
    DnsServer s =
        new DnsServer(
            DnsConfig.of(List.of(new InetSocketAddress("127.0.0.1", 0)), "lab.example")
                .withUpstreams(upstreams.stream().map(Upstream::of).toList())
                .withUpstreamTimeout(Duration.ofMillis(300)));
    s.start();
    open.add(s);
    return s;
  }

  private static Message ask(DnsServer s, String name, int type, boolean tcp) throws Exception {
    SimpleResolver r = new SimpleResolver(s.addresses().get(0));
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(3));
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
  }

  @Test
  void forwardsAndFallsBackToTcpWhenTheUpstreamTruncates() throws Exception {
    DnsServer s = forwarder(List.of(upstream.addresses().get(0)));
    Message www = ask(s, "www.upstream.test", Type.A, false);
    assertThat(www.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.80");
    assertThat(www.getHeader().getFlag(Flags.RA)).isTrue();
    assertThat(www.getHeader().getFlag(Flags.AA)).isFalse();

    Message big = ask(s, "big.upstream.test", Type.TXT, true);
    assertThat(((TXTRecord) big.getSection(Section.ANSWER).get(0)).getStrings()).hasSize(12);
    assertThat(s.counters()).containsEntry("forward.tcp-retries", 1L);
    // The same answer over UDP without EDNS does not fit in 512 bytes: TC, so the client retries.
    Message udp = ask(s, "big.upstream.test", Type.TXT, false);
    assertThat(udp.getSection(Section.ANSWER)).hasSize(1); // dnsjava retried over TCP itself
    assertThat(s.counters().get("truncated")).isPositive();
  }

  @Test
  void failsOverPastADeadUpstream() throws Exception {
    try (DatagramSocket dead = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      DnsServer s =
          forwarder(
              List.of(
                  new InetSocketAddress("127.0.0.1", dead.getLocalPort()),
                  upstream.addresses().get(0)));
      Message www = ask(s, "www.upstream.test", Type.A, false);
      assertThat(www.getRcode()).isEqualTo(Rcode.NOERROR.value());
      assertThat(www.getSection(Section.ANSWER)).hasSize(1);
      assertThat(s.counters().get("forward.timeouts")).isPositive();
    }
  }

  @Test
  void allUpstreamsDeadIsServfail() throws Exception {
    try (DatagramSocket dead = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      DnsServer s = forwarder(List.of(new InetSocketAddress("127.0.0.1", dead.getLocalPort())));
      assertThat(ask(s, "www.upstream.test", Type.A, false).getRcode())
          .isEqualTo(Rcode.SERVFAIL.value());
    }
  }

  @Test
  void cachesPositiveAndNegativeAnswers() throws Exception {
    DnsServer s = forwarder(List.of(upstream.addresses().get(0)));
    for (int i = 0; i < 3; i++) {
      assertThat(ask(s, "nope.upstream.test", Type.A, false).getRcode())
          .isEqualTo(Rcode.NXDOMAIN.value());
      Message www = ask(s, "www.upstream.test", Type.A, false);
      assertThat(www.getSection(Section.ANSWER).get(0).getTTL()).isBetween(58L, 60L);
      // NODATA is cached too.
      assertThat(ask(s, "www.upstream.test", Type.AAAA, false).getSection(Section.ANSWER))
          .isEmpty();
    }
    assertThat(upstream.counters()).containsEntry("queries", 3L);
    assertThat(s.counters()).containsEntry("cache.hits", 6L);
  }
}
