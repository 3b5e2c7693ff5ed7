package org.airgap.dhcp;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** A hardware address as lower-case colon-separated hex, {@code 52:54:00:aa:bb:01}. */
public record Mac(String text) {
  private static final Pattern FORM = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){0,15}");

  public Mac {
    text = text.toLowerCase(Locale.ROOT).replace('-', ':');
    if (!FORM.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a hardware address");
    }
  }

  public static Mac parse(String text) {
    return new Mac(text);
  }

  public static Mac of(byte[] bytes, int offset, int length) {
    return new Mac(HexFormat.ofDelimiter(":").formatHex(bytes, offset, offset + length));
  }

  public byte[] bytes() {
    return HexFormat.ofDelimiter(":").parseHex(text);
  }

  /**
   * Whether a dnsmasq {@code dhcp-host} MAC pattern matches: {@code *} is a wildcard octet, e.g.
   * {@code 52:54:00:*:*:*}.
   */
  public boolean matches(String pattern) {
    String[] p = pattern.toLowerCase(Locale.ROOT).replace('-', ':').split(":");
    String[] m = text.split(":");
    if (p.length != m.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (!p[i].equals("*") && !p[i].equals(m[i]) && !("0" + p[i]).equals(m[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
