package org.airgap.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Reloads and record-source changes while queries run: no query goes unanswered. */
class ReloadTest {

  @Test
  void reloadAndLeaseChangesUnderLoadDropNoQuery() throws Exception {
    MutableRecordSource leases = new MutableRecordSource();
    DnsConfig base =
        DnsConfig.of(List.of(new InetSocketAddress("127.0.0.1", 0)), "lab.example")
            .withRecords(
                List.of(
                    new DnsRecord.Host(
                        "api.lab.example", List.of(InetAddress.getByName("192.168.126.10")))));
    try (DnsServer server = new DnsServer(base, List.of(leases))) {
      server.start();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger answered = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      Thread load =
          new Thread(
              () -> {
                try {
                  SimpleResolver r = new SimpleResolver(server.addresses().get(0));
                  r.setTimeout(Duration.ofMillis(1500));
                  Message q =
                      Message.newQuery(
                          Record.newRecord(Name.fromString("api.lab.example."), Type.A, DClass.IN));
                  while (!stop.get()) {
                    try {
                      Message m = r.send(q);
                      if (m.getSection(Section.ANSWER).size() == 1) {
                        answered.incrementAndGet();
                      } else {
                        failed.incrementAndGet();
                      }
                    } catch (java.io.IOException e) {
                      failed.incrementAndGet();
                    }
                  }
                } catch (Exception e) {
                  failed.incrementAndGet();
                }
              });
      load.start();
      for (int i = 0; i < 40; i++) {
        server.reload(base.withTtl(100 + i));
        leases.put(
            "aa:aa:aa:aa:10:0" + (i % 5),
            List.of(
                new DnsRecord.Host(
                    "host-" + i + ".lab.example",
                    List.of(InetAddress.getByName("192.168.126." + (20 + i))))));
        Thread.sleep(25);
      }
      stop.set(true);
      load.join();
      assertThat(failed.get()).isZero();
      assertThat(answered.get()).isGreaterThan(40);
      assertThat(server.counters()).containsEntry("reloads", 40L);

      SimpleResolver r = new SimpleResolver(server.addresses().get(0));
      Message lease =
          r.send(
              Message.newQuery(
                  Record.newRecord(Name.fromString("host-39.lab.example."), Type.A, DClass.IN)));
      assertThat(lease.getSection(Section.ANSWER).get(0).rdataToString())
          .isEqualTo("192.168.126.59");
      assertThat(lease.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(139);
      Message ptr =
          r.send(
              Message.newQuery(
                  Record.newRecord(
                      Name.fromString("59.126.168.192.in-addr.arpa."), Type.PTR, DClass.IN)));
      assertThat(ptr.getSection(Section.ANSWER).get(0).rdataToString())
          .isEqualTo("host-39.lab.example.");
    }
  }
}
