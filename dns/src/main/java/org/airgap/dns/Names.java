package org.airgap.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Domain-name helpers: the normal form of configured names and reverse names of addresses. */
public final class Names {
  private Names() {}

  /**
   * Lower case, no trailing dot, checked against the DNS rules (labels of 1-63 bytes, 255 in all).
   *
   * @throws IllegalArgumentException naming the bad name
   */
  public static String normalize(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    while (n.endsWith(".") && n.length() > 1) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.isEmpty() || n.equals(".")) {
      throw new IllegalArgumentException("empty domain name");
    }
    if (n.contains("..") || n.startsWith(".")) {
      throw new IllegalArgumentException("'" + name + "' has an empty label");
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c <= ' ' || c == '/' || c == ',' || c == '\\' || c > 126) {
        throw new IllegalArgumentException("'" + name + "' is not a domain name");
      }
    }
    int star = n.lastIndexOf('*');
    if (star > 0 || (star == 0 && !(n.startsWith("*.") || n.equals("*")))) {
      throw new IllegalArgumentException("'" + name + "': '*' is only allowed as the first label");
    }
    absolute(n);
    return n;
  }

  /** The absolute dnsjava name of a normalized name. */
  public static Name absolute(String name) {
    try {
      return Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("'" + name + "' is not a domain name: " + e.getMessage());
    }
  }

  /**
   * The reverse name of an address: {@code 10.126.168.192.in-addr.arpa} or the ip6.arpa nibbles.
   */
  public static String reverse(InetAddress address) {
    byte[] b = address.getAddress();
    StringBuilder s = new StringBuilder();
    if (address instanceof Inet4Address) {
      for (int i = b.length - 1; i >= 0; i--) {
        s.append(b[i] & 0xff).append('.');
      }
      return s.append("in-addr.arpa").toString();
    }
    for (int i = b.length - 1; i >= 0; i--) {
      s.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
      s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
    }
    return s.append("ip6.arpa").toString();
  }

  /** Whether {@code name} is {@code domain} or lies under it (both normalized). */
  public static boolean isUnder(String name, String domain) {
    return name.equals(domain) || name.endsWith("." + domain);
  }
}
