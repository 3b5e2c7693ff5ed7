package org.airgap.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP network, {@code 192.168.126.0/24} or {@code 2620:52:0:1306::/64}. */
public record Network(InetAddress address, int prefix) {

  public Network {
    int bits = address.getAddress().length * 8;
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix /" + prefix + " is out of range 0-" + bits);
    }
    address = mask(address, prefix);
  }

  /** Parses {@code ADDRESS/PREFIX}; a bare address is a host network (/32 or /128). */
  public static Network parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    InetAddress a = Addresses.literal(slash < 0 ? s : s.substring(0, slash));
    int bits = a.getAddress().length * 8;
    if (slash < 0) {
      return new Network(a, bits);
    }
    try {
      return new Network(a, Integer.parseInt(s.substring(slash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': the prefix is not a number");
    }
  }

  /**
   * The reverse zone that holds this network's PTR records: the prefix rounded down to a whole
   * octet (IPv4) or nibble (IPv6), e.g. {@code 126.168.192.in-addr.arpa} for a /24.
   */
  public String reverseZone() {
    boolean v4 = address instanceof Inet4Address;
    int unit = v4 ? 8 : 4;
    int labels = prefix / unit;
    String full = Names.reverse(address);
    String[] parts = full.split("\\.");
    int total = v4 ? 4 : 32;
    StringBuilder s = new StringBuilder();
    for (int i = total - labels; i < total; i++) {
      s.append(parts[i]).append('.');
    }
    return s.append(v4 ? "in-addr.arpa" : "ip6.arpa").toString();
  }

  public boolean contains(InetAddress a) {
    return a.getAddress().length == address.getAddress().length && mask(a, prefix).equals(address);
  }

  private static InetAddress mask(InetAddress a, int prefix) {
    byte[] b = a.getAddress();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      b[i] = (byte) (b[i] & (0xff00 >> keep));
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefix;
  }
}
