package org.airgap.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Debian's dig (bind9-dnsutils) against the real server: TCP, EDNS, TC, BADVERS, 0x20, ANY. */
class DigTest {
  private static DnsServer server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      big.add("t".repeat(100) + i);
    }
    server =
        new DnsServer(
            Zones.hubDualConfig(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .withRecords(
                    List.of(
                        new DnsRecord.Txt("big.dns.base.domain.name", big),
                        new DnsRecord.Host(
                            "v6.dns.base.domain.name", List.of(InetAddress.getByName("::1"))))));
    server.start();
    port = server.addresses().get(0).getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String dig(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", "" + port));
    cmd.addAll(List.of("+time=2", "+tries=1"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void tcpAndEdnsAdvertise1232() throws Exception {
    String out = dig("+tcp", "api.hub-dual.dns.base.domain.name", "A");
    assertThat(out)
        .contains("status: NOERROR")
        .contains("flags: qr aa rd;")
        .contains("192.168.126.10");
    assertThat(out).contains("udp: 1232");
  }

  @Test
  void severalQueriesPipelinedOnOneTcpConnection() throws Exception {
    String out =
        dig(
            "+tcp",
            "+keepopen",
            "api.hub-dual.dns.base.domain.name",
            "A",
            "api.hub-dual.dns.base.domain.name",
            "AAAA",
            "nope.dns.base.domain.name",
            "A");
    assertThat(out).contains("192.168.126.10").contains("2620:52:0:1306::2").contains("NXDOMAIN");
  }

  @Test
  void truncatesWithTcWhenTheAnswerDoesNotFit() throws Exception {
    String out = dig("+ignore", "+noedns", "big.dns.base.domain.name", "TXT");
    assertThat(out).contains("flags: qr aa tc rd;").contains("ANSWER: 0");
    String tcp = dig("+tcp", "big.dns.base.domain.name", "TXT");
    assertThat(tcp).contains("ANSWER: 1").contains("t".repeat(100) + "7\"");
  }

  @Test
  void ednsVersionAboveZeroIsBadvers() throws Exception {
    assertThat(dig("+edns=1", "+noednsnegotiation", "api.hub-dual.dns.base.domain.name"))
        .contains("status: BADVERS");
  }

  @Test
  void echoesTheQuestionsLetterCase() throws Exception {
    String out = dig("+noall", "+question", "+answer", "ApI.HuB-DuAl.DnS.BaSe.DoMaIn.NaMe", "A");
    assertThat(out).contains(";ApI.HuB-DuAl.DnS.BaSe.DoMaIn.NaMe.");
    // Twice: the second answer comes from the pre-encoded table and must echo this case too.
    assertThat(dig("+noall", "+question", "aPi.hub-dual.dns.base.domain.name", "A"))
        .contains(";aPi.hub-dual.dns.base.domain.name.");
  }

  @Test
  void anyIsAnsweredMinimally() throws Exception {
    String out = dig("registry.dns.base.domain.name", "ANY");
    assertThat(out).contains("status: NOERROR").contains("ANSWER: 1");
  }

  @Test
  void aaaaUnderIpv4OnlyNameIsNodataAndOutsideIsRefused() throws Exception {
    assertThat(dig("v6.dns.base.domain.name", "A"))
        .contains("status: NOERROR")
        .contains("ANSWER: 0")
        .contains("AUTHORITY: 1");
    assertThat(dig("example.org", "A")).contains("status: REFUSED");
  }
}
