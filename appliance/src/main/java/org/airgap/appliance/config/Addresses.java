package org.airgap.appliance.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literals and host names as they appear in config and in URLs. */
public final class Addresses {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\\.?");

  private Addresses() {}

  /** Parses an IPv4 or IPv6 literal without ever asking a resolver. */
  public static InetAddress literal(String text) {
    String s = text.trim();
    boolean v4 = IPV4.matcher(s).matches();
    boolean v6 = s.contains(":") && s.matches("[0-9a-fA-F:.%a-zA-Z0-9]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
    if (v4) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
      }
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
  }

  public static boolean isLiteral(String text) {
    try {
      literal(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static String hostname(String text) {
    if (!HOSTNAME.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a valid host name");
    }
    return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
  }

  /** The host part of a URL: IPv6 literals in brackets, IPv4 literals and names as they are. */
  public static String urlHost(String host) {
    if (host.startsWith("[")) {
      return host;
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  public static String urlHost(InetAddress address) {
    String s = address.getHostAddress();
    if (address instanceof Inet6Address) {
      int pct = s.indexOf('%');
      if (pct >= 0) {
        s = s.substring(0, pct);
      }
      return "[" + compress(s) + "]";
    }
    return s;
  }

  public static String hostPort(String host, int port) {
    return urlHost(host) + ":" + port;
  }

  /** The shortest textual form of an IPv6 address (RFC 5952). */
  public static String text(InetAddress address) {
    String s = address.getHostAddress();
    int pct = s.indexOf('%');
    if (pct >= 0) {
      s = s.substring(0, pct);
    }
    return address instanceof Inet6Address ? compress(s) : s;
  }

  private static String compress(String full) {
    String[] groups = full.split(":");
    StringBuilder norm = new StringBuilder();
    for (int i = 0; i < groups.length; i++) {
      if (i > 0) {
        norm.append(':');
      }
      norm.append(Integer.toHexString(Integer.parseInt(groups[i].isEmpty() ? "0" : groups[i], 16)));
    }
    String[] g = norm.toString().split(":");
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < g.length; ) {
      if (g[i].equals("0")) {
        int j = i;
        while (j < g.length && g[j].equals("0")) {
          j++;
        }
        if (j - i > bestLen && j - i > 1) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestStart < 0) {
      return String.join(":", g);
    }
    String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
    String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
    return head + "::" + tail;
  }
}
