package org.airgap.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers for the reference procedure's dnsmasq file, each expected answer written as zone-file
 * lines. Every case is asked twice, the second time in mixed case: the first answer is built by
 * dnsjava, the second comes from the pre-encoded table, and both must say the same thing.
 */
class AnswerTableTest {
  private static final String D = "dns.base.domain.name.";
  private static final String REV = "126.168.192.in-addr.arpa.";

  /** The SOA line of {@code zone} as the authority section of a negative answer shows it. */
  private static String soa(String zone) {
    return zone
        + " 300 in soa registry."
        + D
        + " hostmaster."
        + zone
        + " SERIAL 3600 600 86400 300";
  }

  record Case(String name, String qtype, Rcode rcode, List<String> answer, boolean soa) {
    @Override
    public String toString() {
      return name + " " + qtype + " → " + rcode + " " + answer;
    }
  }

  static Case ok(String name, String type, String... answer) {
    return new Case(name, type, Rcode.NOERROR, List.of(answer), false);
  }

  static Case nodata(String name, String type) {
    return new Case(name, type, Rcode.NOERROR, List.of(), true);
  }

  static Case nx(String name, String type) {
    return new Case(name, type, Rcode.NXDOMAIN, List.of(), true);
  }

  static Stream<Case> cases() {
    String hub = "hub-dual." + D;
    return Stream.of(
        ok("api." + hub, "A", "api." + hub + " 300 IN A 192.168.126.10"),
        ok("api." + hub, "AAAA", "api." + hub + " 300 IN AAAA 2620:52:0:1306::2"),
        ok("apps." + hub, "A", "apps." + hub + " 300 IN A 192.168.126.11"),
        ok(
            "console-openshift-console.apps." + hub,
            "A",
            "console-openshift-console.apps." + hub + " 300 IN A 192.168.126.11"),
        ok("a.b.apps." + hub, "AAAA", "a.b.apps." + hub + " 300 IN AAAA 2620:52:0:1306::3"),
        nodata("oauth.apps." + hub, "MX"),
        nodata("api." + hub, "TXT"),
        // An empty non-terminal exists: NODATA, not NXDOMAIN.
        nodata(hub, "A"),
        nodata("_tcp." + hub, "A"),
        nx("nope." + D, "A"),
        nx("nope." + D, "AAAA"),
        nx("x.api." + hub, "A"),
        ok(
            "10.126.168.192.in-addr.arpa.",
            "PTR",
            "10.126.168.192.in-addr.arpa. 300 IN PTR api-int." + hub),
        ok(
            "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.0.3.1.0.0.0.0.2.5.0.0.0.2.6.2.ip6.arpa.",
            "PTR",
            "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.0.3.1.0.0.0.0.2.5.0.0.0.2.6.2.ip6.arpa. 300 IN PTR"
                + " api-int."
                + hub),
        // The explicit ptr-record wins over the host-record of the same address.
        ok(
            "1.126.168.192.in-addr.arpa.",
            "PTR",
            "1.126.168.192.in-addr.arpa. 300 IN PTR bastion." + D),
        // Wildcards make no PTR; unknown addresses of the network are NXDOMAIN.
        nx("11.126.168.192.in-addr.arpa.", "PTR"),
        nx("99.126.168.192.in-addr.arpa.", "PTR"),
        ok(
            "mirror." + D,
            "A",
            "mirror." + D + " 300 IN CNAME registry." + D,
            "registry." + D + " 300 IN A 192.168.126.1"),
        ok(
            "_etcd-server-ssl._tcp." + hub,
            "SRV",
            "_etcd-server-ssl._tcp." + hub + " 300 IN SRV 0 10 2380 api-int." + hub),
        ok("info." + D, "TXT", "info." + D + " 300 IN TXT \"site=lab, rack 4\" \"airgap\""),
        ok(D, "NS", D + " 300 IN NS registry." + D),
        // RFC 8482: ANY gets one RRset.
        ok("api-int." + hub, "ANY", "api-int." + hub + " 300 IN A 192.168.126.10"),
        new Case("example.org.", "A", Rcode.REFUSED, List.of(), false));
  }

  private static QueryEngine engine;

  @BeforeAll
  static void build() {
    engine = Zones.engine(Zones.hubDualConfig(List.of()), new Counters());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void answers(Case c) throws Exception {
    for (String asked : List.of(c.name(), mixedCase(c.name()))) {
      Message q =
          Message.newQuery(
              Record.newRecord(Name.fromString(asked), Type.value(c.qtype()), DClass.IN));
      ByteBuf out =
          engine.handle(
              Zones.wire(q.toWire()), false, UnpooledByteBufAllocator.DEFAULT, late -> {});
      Message r = new Message(ByteBufUtil.getBytes(out));
      out.release();
      assertThat(r.getHeader().getID()).isEqualTo(q.getHeader().getID());
      assertThat(r.getRcode()).as("rcode").isEqualTo(c.rcode().value());
      assertThat(r.getQuestion().getName().toString()).as("0x20 echo").isEqualTo(asked);
      assertThat(r.getHeader().getFlag(Flags.AA)).isEqualTo(c.rcode() != Rcode.REFUSED);
      assertThat(lines(r, Section.ANSWER))
          .isEqualTo(c.answer().stream().map(AnswerTableTest::zoneLine).toList());
      List<String> authority = lines(r, Section.AUTHORITY);
      if (c.soa()) {
        assertThat(authority).hasSize(1);
        assertThat(authority.get(0).replaceAll(" \\d{9,} ", " SERIAL "))
            .isEqualTo(soa(c.name().endsWith(REV) ? REV : D));
      } else {
        assertThat(authority).isEmpty();
      }
    }
  }

  private static List<String> lines(Message m, int section) {
    return m.getSection(section).stream()
        .map(r -> r.toString().replaceAll("\\s+", " ").toLowerCase())
        .toList();
  }

  /** A zone-file line in dnsjava's presentation, e.g. AAAA rdata in its long form. */
  private static String zoneLine(String line) {
    String[] f = line.split(" ", 5);
    try {
      Record r =
          Record.fromString(
              Name.fromString(f[0]),
              Type.value(f[3]),
              DClass.value(f[2]),
              Long.parseLong(f[1]),
              f[4],
              Name.root);
      return r.toString().replaceAll("\\s+", " ").toLowerCase();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(line, e);
    }
  }

  private static String mixedCase(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      b.append(i % 2 == 0 ? Character.toUpperCase(ch) : ch);
    }
    return b.toString();
  }
}
