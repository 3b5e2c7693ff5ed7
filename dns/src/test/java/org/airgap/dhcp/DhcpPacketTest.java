package org.airgap.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The codec on packets captured from Debian's dhclient 4.4 and busybox udhcpc 1.35. */
class DhcpPacketTest {
  /** dhclient -4 DISCOVER from 52:54:00:99:00:01 (host name "vm", 13 requested options). */
  static final String DHCLIENT_DISCOVER =
      "010106009c0afa34000000000000000000000000000000000000000052540099000100000000000000000000"
          + "0".repeat(384)
          + "638253633501010c02766d370d011c02030f06770c2c2f1a792aff"
          + "0".repeat(74);

  /** udhcpc DISCOVER with -x hostname:worker-7 (max size, vendor class, client id). */
  static final String UDHCPC_DISCOVER =
      "0101060000d2a372000000000000000000000000000000000000000052540099000100000000000000000000"
          + "0".repeat(384)
          + "638253633501013902024037070103060c0f1c2a0c08776f726b65722d373c0c756468637020312e33"
          + "352e303d0701525400990001ff"
          + "0".repeat(20);

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void dhclientDiscover() {
    byte[] b = hex(DHCLIENT_DISCOVER);
    assertThat(b).hasSize(300);
    DhcpPacket p = DhcpPacket.parse(b, b.length);
    assertThat(p.op()).isEqualTo(DhcpPacket.BOOTREQUEST);
    assertThat(p.xid()).isEqualTo(0x9c0afa34);
    assertThat(p.chaddr()).isEqualTo(Mac.parse("52:54:00:99:00:01"));
    assertThat(p.type()).contains(MessageType.DISCOVER);
    assertThat(p.textOption(12)).contains("vm");
    assertThat(p.option(55).orElseThrow())
        .containsExactly(1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42);
    assertThat(p.giaddr()).isEqualTo(DhcpPacket.ZERO);
    assertThat(p.broadcastFlag()).isFalse();
  }

  @Test
  void udhcpcDiscover() {
    byte[] b = hex(UDHCPC_DISCOVER);
    DhcpPacket p = DhcpPacket.parse(b, b.length);
    assertThat(p.type()).contains(MessageType.DISCOVER);
    assertThat(p.textOption(12)).contains("worker-7");
    assertThat(p.textOption(60)).contains("udhcp 1.35.0");
    assertThat(p.option(61).orElseThrow()).isEqualTo(hex("01525400990001"));
    assertThat(p.option(57).orElseThrow()).isEqualTo(hex("0240"));
    assertThat(p.options().keySet()).containsExactly(53, 57, 55, 12, 60, 61);
  }

  @Test
  void encodeKeepsEveryFieldAndOption() {
    byte[] b = hex(UDHCPC_DISCOVER);
    DhcpPacket p = DhcpPacket.parse(b, b.length);
    byte[] again = p.encode();
    assertThat(again).hasSize(300);
    // Same bytes up to the end option: header, cookie and options in wire order.
    int end = UDHCPC_DISCOVER.indexOf("ff000000") / 2 + 1;
    assertThat(Arrays.copyOf(again, end)).isEqualTo(Arrays.copyOf(b, end));
    assertThat(DhcpPacket.parse(again, again.length)).usingRecursiveComparison().isEqualTo(p);
  }

  @Test
  void longOptionsAreSplitAndJoined() {
    byte[] big = new byte[600];
    Arrays.fill(big, (byte) 'a');
    byte[] b = hex(DHCLIENT_DISCOVER);
    DhcpPacket p = DhcpPacket.parse(b, b.length);
    Map<Integer, byte[]> o = new java.util.LinkedHashMap<>(p.options());
    o.put(43, big);
    DhcpPacket q =
        new DhcpPacket(
            1, 1, 0, 7, 0, 0, p.ciaddr(), p.yiaddr(), p.siaddr(), p.giaddr(), p.chaddr(), o);
    byte[] wire = q.encode();
    assertThat(DhcpPacket.parse(wire, wire.length).option(43).orElseThrow()).isEqualTo(big);
  }

  @Test
  void overloadedFileFieldIsReadAsOptions() {
    byte[] b = hex(DHCLIENT_DISCOVER);
    // option 52 = 1 (file holds options) replaces the host name option; file holds 12 "ov".
    int opts = 240;
    byte[] over = {53, 1, 1, 52, 1, 1, (byte) 255};
    Arrays.fill(b, opts, b.length, (byte) 0);
    System.arraycopy(over, 0, b, opts, over.length);
    byte[] file = {12, 2, 'o', 'v', (byte) 255};
    System.arraycopy(file, 0, b, 108, file.length);
    assertThat(DhcpPacket.parse(b, b.length).textOption(12)).contains("ov");
  }

  record Bad(String name, byte[] bytes, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Bad> malformed() {
    byte[] ok = hex(DHCLIENT_DISCOVER);
    byte[] cookie = ok.clone();
    cookie[236] = 0;
    byte[] op = ok.clone();
    op[0] = 3;
    byte[] hlen = ok.clone();
    hlen[2] = 17;
    byte[] overrun = Arrays.copyOf(ok, 245);
    overrun[243] = 12;
    overrun[244] = (byte) 200; // a 200-byte option in a 245-byte packet
    byte[] noLength = Arrays.copyOf(ok, 241);
    noLength[240] = 12;
    return List.of(
        new Bad("empty", new byte[0], "too short"),
        new Bad("header only", Arrays.copyOf(ok, 236), "too short"),
        new Bad("no magic cookie", cookie, "magic cookie"),
        new Bad("op 3", op, "op 3"),
        new Bad("hlen 17", hlen, "hlen 17"),
        new Bad("option past the end", overrun, "past the end"),
        new Bad("option without length", noLength, "no length"),
        new Bad("text", "GET / HTTP/1.1\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII), ""));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedPacketsAreRejected(Bad c) {
    assertThatThrownBy(() -> DhcpPacket.parse(c.bytes(), c.bytes().length))
        .isInstanceOf(DhcpCodecException.class)
        .hasMessageContaining(c.message());
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButCodecErrors() {
    java.util.Random r = new java.util.Random(8);
    byte[] base = hex(UDHCPC_DISCOVER);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = base.clone();
      int flips = 1 + r.nextInt(12);
      for (int j = 0; j < flips; j++) {
        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      }
      int len = r.nextInt(b.length + 1);
      try {
        DhcpPacket p = DhcpPacket.parse(b, len);
        p.encode();
      } catch (DhcpCodecException e) {
        // expected for most
      }
    }
  }
}
