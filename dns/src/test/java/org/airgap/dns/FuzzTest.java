package org.airgap.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Random and mutated packets: never an exception, never a crash, answers afterwards. */
class FuzzTest {
  private static final long SEED = 20261124L;

  private static byte[] validQuery(Random rnd) throws Exception {
    String[] names = {
      "api.hub-dual.dns.base.domain.name.",
      "x.apps.hub-dual.dns.base.domain.name.",
      "10.126.168.192.in-addr.arpa.",
      "nope.dns.base.domain.name.",
      "example.org."
    };
    int[] types = {Type.A, Type.AAAA, Type.PTR, Type.ANY, Type.TXT, Type.SRV};
    Message q =
        Message.newQuery(
            Record.newRecord(
                Name.fromString(names[rnd.nextInt(names.length)]),
                types[rnd.nextInt(types.length)],
                DClass.IN));
    if (rnd.nextBoolean()) {
      q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    }
    return q.toWire();
  }

  private static byte[] mutate(byte[] valid, Random rnd) {
    switch (rnd.nextInt(4)) {
      case 0 -> {
        byte[] b = new byte[rnd.nextInt(600)];
        rnd.nextBytes(b);
        return b;
      }
      case 1 -> {
        return java.util.Arrays.copyOf(valid, rnd.nextInt(valid.length + 1));
      }
      default -> {
        byte[] b = valid.clone();
        for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        return b;
      }
    }
  }

  @Test
  void theEngineSurvivesMutatedPackets() throws Exception {
    Counters counters = new Counters();
    QueryEngine engine = Zones.engine(Zones.hubDualConfig(List.of()), counters);
    Random rnd = new Random(SEED);
    for (int i = 0; i < 50_000; i++) {
      byte[] packet = mutate(validQuery(rnd), rnd);
      ByteBuf in = Unpooled.wrappedBuffer(packet);
      ByteBuf out = engine.handle(in, rnd.nextBoolean(), UnpooledByteBufAllocator.DEFAULT, l -> {});
      if (out != null) {
        byte[] resp = new byte[out.readableBytes()];
        out.readBytes(resp);
        out.release();
        assertThat(resp.length).isGreaterThanOrEqualTo(12);
        assertThat(resp[0]).isEqualTo(packet[0]);
        assertThat(resp[1]).isEqualTo(packet[1]);
        assertThat(resp[2] & 0x80).as("QR").isEqualTo(0x80);
        new Message(resp); // every response parses
      }
      assertThat(in.refCnt()).isEqualTo(1);
    }
    assertThat(counters.snapshot().get("answers.formerr")).isPositive();
    assertThat(counters.snapshot().get("dropped")).isPositive();
  }

  @Test
  void theServerStillAnswersAfterGarbageOverUdpAndTcp() throws Exception {
    try (DnsServer server =
        new DnsServer(Zones.hubDualConfig(List.of(new InetSocketAddress("127.0.0.1", 0))))) {
      server.start();
      InetSocketAddress a = server.addresses().get(0);
      Random rnd = new Random(SEED + 1);
      try (DatagramSocket s = new DatagramSocket()) {
        for (int i = 0; i < 3000; i++) {
          byte[] p = mutate(validQuery(rnd), rnd);
          s.send(new DatagramPacket(p, p.length, a));
        }
      }
      for (int i = 0; i < 20; i++) {
        try (Socket t = new Socket(a.getAddress(), a.getPort())) {
          byte[] p = mutate(validQuery(rnd), rnd);
          t.getOutputStream()
              .write(new byte[] {(byte) (rnd.nextInt(256)), (byte) rnd.nextInt(256)});
          t.getOutputStream().write(p);
        }
      }
      SimpleResolver r = new SimpleResolver(a);
      // the server may still be working through the 3000 packets on a loaded machine: a patient
      // client, not a short deadline, is what "still answers" needs
      r.setTimeout(Duration.ofSeconds(15));
      Message m =
          r.send(
              Message.newQuery(
                  Record.newRecord(
                      Name.fromString("api.hub-dual.dns.base.domain.name."), Type.A, DClass.IN)));
      assertThat(m.getSection(Section.ANSWER)).hasSize(1);
      r.setTCP(true);
      assertThat(
              r.send(
                      Message.newQuery(
                          Record.newRecord(
                              Name.fromString("api.hub-dual.dns.base.domain.name."),
                              Type.A,
                              DClass.IN)))
                  .getSection(Section.ANSWER))
          .hasSize(1);
    }
  }
}
