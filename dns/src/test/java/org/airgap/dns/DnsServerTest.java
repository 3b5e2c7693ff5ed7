package org.airgap.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
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
import org.xbill.DNS.Type;

/** The real server on port 0, asked by dnsjava's resolver over UDP and TCP. */
class DnsServerTest {
  private DnsServer server;

  @BeforeEach
  void start() throws Exception {
    DnsConfig c =
        DnsConfig.of(List.of(new InetSocketAddress("127.0.0.1", 0)), "lab.example")
            .withRecords(
                List.of(
                    new DnsRecord.Host(
                        "api.hub.lab.example",
                        List.of(
                            InetAddress.getByName("192.168.126.10"),
                            InetAddress.getByName("2620:52:0:1306::2"))),
                    new DnsRecord.Host(
                        "*.apps.hub.lab.example",
                        List.of(InetAddress.getByName("192.168.126.11")))));
    server = new DnsServer(c);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Message ask(String name, int type, boolean tcp) throws Exception {
    SimpleResolver r = new SimpleResolver(server.addresses().get(0));
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(2));
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
  }

  @Test
  void eventLoopsAreHalfTheProcessorsFromOneToFour() {
    assertThat(List.of(1, 2, 3, 4, 8, 16, 64).stream().map(DnsServer::eventLoops))
        .containsExactly(1, 1, 1, 2, 4, 4, 4);
  }

  @Test
  void udpAndTcpShareOnePort() throws Exception {
    InetSocketAddress a = server.addresses().get(0);
    assertThat(a.getPort()).isPositive();
    Message udp = ask("api.hub.lab.example", Type.A, false);
    Message tcp = ask("api.hub.lab.example", Type.A, true);
    assertThat(udp.getSection(Section.ANSWER)).hasSize(1);
    assertThat(tcp.getSection(Section.ANSWER)).isEqualTo(udp.getSection(Section.ANSWER));
    assertThat(udp.getHeader().getFlag(Flags.AA)).isTrue();
  }

  @Test
  void wildcardAnswersAndAaaaUnderIpv4OnlyWildcardIsNodata() throws Exception {
    Message a = ask("console.apps.hub.lab.example", Type.A, false);
    assertThat(a.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.168.126.11");
    Message aaaa = ask("console.apps.hub.lab.example", Type.AAAA, false);
    assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR.value());
    assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
    assertThat(aaaa.getSection(Section.AUTHORITY).get(0).getType()).isEqualTo(Type.SOA);
  }

  @Test
  void unknownNameInZoneIsNxdomainWithSoaAndOutsideIsRefused() throws Exception {
    Message nx = ask("nope.lab.example", Type.A, false);
    assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN.value());
    assertThat(nx.getSection(Section.AUTHORITY).get(0).getType()).isEqualTo(Type.SOA);
    assertThat(ask("example.org", Type.A, false).getRcode()).isEqualTo(Rcode.REFUSED.value());
    assertThat(server.counters()).containsEntry("answers.refused", 1L);
  }

  @Test
  void bindingATakenPortNamesAddressAndReason() {
    InetSocketAddress taken = server.addresses().get(0);
    DnsServer second = new DnsServer(DnsConfig.of(List.of(taken), "lab.example"));
    try {
      assertThatThrownBy(second::start)
          .isInstanceOf(DnsException.class)
          .hasMessageContaining("127.0.0.1 port " + taken.getPort());
    } finally {
      second.close();
    }
  }
}
