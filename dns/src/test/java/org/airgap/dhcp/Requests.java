package org.airgap.dhcp;

import java.net.Inet4Address;
import java.util.LinkedHashMap;
import java.util.Map;
import org.airgap.dns.Addresses;

/** Client messages for tests, as RFC 2131 section 4.4 has a client build them. */
final class Requests {
  private Requests() {}

  static Inet4Address ip(String s) {
    return (Inet4Address) Addresses.literal(s);
  }

  static DhcpPacket msg(
      MessageType t, String mac, int xid, Inet4Address ciaddr, Inet4Address giaddr, Object... kv) {
    Map<Integer, byte[]> o = new LinkedHashMap<>();
    o.put(53, new byte[] {(byte) t.code()});
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      o.put(
          (Integer) kv[i],
          v instanceof Inet4Address a
              ? a.getAddress()
              : v instanceof String s
                  ? s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)
                  : (byte[]) v);
    }
    return new DhcpPacket(
        DhcpPacket.BOOTREQUEST,
        1,
        giaddr.equals(DhcpPacket.ZERO) ? 0 : 1,
        xid,
        0,
        0,
        ciaddr,
        DhcpPacket.ZERO,
        DhcpPacket.ZERO,
        giaddr,
        Mac.parse(mac),
        o);
  }

  static DhcpPacket discover(String mac, Inet4Address giaddr, Object... kv) {
    return msg(MessageType.DISCOVER, mac, mac.hashCode(), DhcpPacket.ZERO, giaddr, kv);
  }

  static DhcpPacket select(String mac, Inet4Address giaddr, Inet4Address server, Inet4Address a) {
    return msg(
        MessageType.REQUEST, mac, mac.hashCode(), DhcpPacket.ZERO, giaddr, 54, server, 50, a);
  }

  static DhcpPacket renew(String mac, Inet4Address giaddr, Inet4Address a) {
    return msg(MessageType.REQUEST, mac, mac.hashCode(), a, giaddr);
  }

  static DhcpPacket reboot(String mac, Inet4Address giaddr, Inet4Address a) {
    return msg(MessageType.REQUEST, mac, mac.hashCode(), DhcpPacket.ZERO, giaddr, 50, a);
  }
}
