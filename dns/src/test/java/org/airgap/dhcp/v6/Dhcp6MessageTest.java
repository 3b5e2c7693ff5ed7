package org.airgap.dhcp.v6;

import static org.airgap.dhcp.v6.Client6.*;
import static org.airgap.dhcp.v6.Dhcp6Message.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.airgap.dhcp.Mac;
import org.airgap.dns.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The codec on a SOLICIT captured from dhclient here, and the engine under mutated input. */
class Dhcp6MessageTest {
  /**
   * A SOLICIT laid out as dhclient 4.4.3 {@code -6} sends it: DUID-LLT of 52:54:00:99:00:02, ORO
   * (23, 24), elapsed time, one IA_NA.
   */
  static final byte[] DHCLIENT_SOLICIT =
      HexFormat.of()
          .parseHex(
              "01a1b2c3"
                  + "0001000e00010001329e8eb3525400990002"
                  + "0006000400170018"
                  + "000800020000"
                  + "0003000c009900020000000000000000");

  @TempDir Path dir;

  @Test
  void readsWhatDhclientSendsAndWritesItBack() {
    Dhcp6Message m = Dhcp6Message.parse(DHCLIENT_SOLICIT);
    assertThat(m.type()).isEqualTo(SOLICIT);
    assertThat(m.transactionId()).isEqualTo(0xa1b2c3);
    assertThat(m.clientId().orElseThrow().type()).isEqualTo(Duid.LLT);
    assertThat(m.clientId().orElseThrow().mac()).contains(Mac.parse("52:54:00:99:00:02"));
    assertThat(m.all(OPT_IA_NA)).hasSize(1);
    assertThat(m.encode()).isEqualTo(DHCLIENT_SOLICIT);
  }

  @Test
  void shortAndOverlongInputIsACodecError() {
    assertThatThrownBy(() -> Dhcp6Message.parse(new byte[] {1, 0}))
        .isInstanceOf(Dhcp6CodecException.class);
    assertThatThrownBy(() -> Dhcp6Message.parse(new byte[] {1, 0, 0, 1, 0, 1, 0, 9, 1}))
        .isInstanceOf(Dhcp6CodecException.class)
        .hasMessageContaining("runs past the end");
    assertThatThrownBy(() -> Dhcp6Message.parse(new byte[] {12, 0, 0}))
        .isInstanceOf(Dhcp6CodecException.class);
  }

  @Test
  void eui64LinkLocalGivesTheMac() {
    assertThat(Engine6.eui64(ip6("fe80::5054:ff:fe99:1"))).contains(Mac.parse("52:54:00:99:00:01"));
    assertThat(Engine6.eui64(ip6("fe80::99:3"))).isEmpty();
  }

  @Test
  void mutatedMessagesOnlyEverFailAsCodecErrors() {
    Engine6 e =
        new Engine6(
            Dhcp6Config.of(dir.resolve("l6"))
                .withRanges(
                    List.of(
                        new Range6(
                            Network.parse("fd99::/64"),
                            ip6("fd99::100"),
                            ip6("fd99::1ff"),
                            Optional.empty(),
                            false))),
            new Lease6Store(dir.resolve("l6")),
            Lease6Listener.NONE,
            InstantSource.fixed(Instant.parse("2026-11-29T08:00:00Z")),
            Duid.ll(Mac.parse("02:00:00:00:00:01")));
    e.open();
    Link6 link =
        new Link6("eth0", 2, ip6("fe80::1"), ip6("fd99::1"), List.of(Network.parse("fd99::/64")));
    List<byte[]> seeds =
        List.of(
            DHCLIENT_SOLICIT,
            solicit(uuid(1), 3, true).encode(),
            withServer(
                    REQUEST, uuid(1), Duid.ll(Mac.parse("02:00:00:00:00:01")), 3, ip6("fd99::105"))
                .encode(),
            Dhcp6Message.relay(
                    RELAY_FORW,
                    0,
                    ip6("fd99::1"),
                    ip6("fe80::7"),
                    List.of(new Option(OPT_RELAY_MSG, solicit(uuid(2), 1, false).encode())))
                .encode());
    Random rnd = new Random(9);
    int replies = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
      int flips = rnd.nextInt(4);
      for (int k = 0; k < flips; k++) {
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      }
      int len = rnd.nextInt(8) == 0 ? rnd.nextInt(b.length + 1) : b.length;
      try {
        Dhcp6Message m = Dhcp6Message.parse(b, 0, len);
        if (e.handle(m, link, ip6("fe80::7"), Optional.empty()).isPresent()) {
          replies++;
        }
      } catch (Dhcp6CodecException expected) {
        // the one way bad input may fail
      }
    }
    e.commit();
    assertThat(replies).isGreaterThan(250);
    e.close();
  }

  @Test
  void aRelayedSolicitIsAnsweredInARelayReplyWithTheRelaysMacOption() {
    Engine6 e =
        new Engine6(
            Dhcp6Config.of(dir.resolve("l6"))
                .withRanges(
                    List.of(
                        new Range6(
                            Network.parse("fd98::/64"),
                            ip6("fd98::100"),
                            ip6("fd98::1ff"),
                            Optional.of(Duration.ofHours(2)),
                            false)))
                .withHosts(List.of(Host6.of("52:54:00:00:00:09", ip6("fd98::9"), "w9"))),
            new Lease6Store(dir.resolve("l6")),
            Lease6Listener.NONE,
            InstantSource.system(),
            Duid.ll(Mac.parse("02:00:00:00:00:01")));
    e.open();
    Link6 link =
        new Link6("eth0", 2, ip6("fe80::1"), ip6("fd99::1"), List.of(Network.parse("fd99::/64")));
    Dhcp6Message relayed =
        Dhcp6Message.relay(
            RELAY_FORW,
            0,
            ip6("fd98::1"),
            ip6("fe80::aa"),
            List.of(
                new Option(OPT_INTERFACE_ID, new byte[] {7}),
                new Option(OPT_CLIENT_LINKLAYER_ADDR, HexFormat.of().parseHex("0001525400000009")),
                new Option(OPT_RELAY_MSG, solicit(uuid(8), 1, false).encode())));
    Dhcp6Message r = e.handle(relayed, link, ip6("fd98::1"), Optional.empty()).orElseThrow();
    assertThat(r.type()).isEqualTo(RELAY_REPL);
    assertThat(r.option(OPT_INTERFACE_ID))
        .hasValueSatisfying(b -> assertThat(b).containsExactly(7));
    Dhcp6Message inner = Dhcp6Message.parse(r.option(OPT_RELAY_MSG).orElseThrow());
    assertThat(inner.type()).isEqualTo(ADVERTISE);
    assertThat(firstIa(inner).addresses()).containsExactly(ip6("fd98::9"));
    e.close();
  }
}
