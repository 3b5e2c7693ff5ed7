package org.airgap.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** IP literals without name lookups. */
public final class Addresses {
  private Addresses() {}

  /**
   * Parses an IPv4 or IPv6 literal (brackets allowed around IPv6); never queries DNS.
   *
   * @throws IllegalArgumentException if {@code text} is not a literal
   */
  public static InetAddress literal(String text) {
    String s = text.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
    if (v4) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
      }
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
  }

  /**
   * Parses {@code ADDRESS}, {@code ADDRESS#PORT} (dnsmasq), {@code IPv4:PORT} or {@code
   * [IPv6]:PORT}; {@code defaultPort} when none is given.
   */
  public static InetSocketAddress socket(String text, int defaultPort) {
    String s = text.trim();
    int port = defaultPort;
    String host = s;
    int hash = s.indexOf('#');
    if (hash >= 0) {
      host = s.substring(0, hash);
      port = port(text, s.substring(hash + 1));
    } else if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + text + "': unbalanced brackets");
      }
      host = s.substring(1, close);
      if (close + 1 < s.length()) {
        if (s.charAt(close + 1) != ':') {
          throw new IllegalArgumentException("'" + text + "' is not [ADDRESS]:PORT");
        }
        port = port(text, s.substring(close + 2));
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = port(text, s.substring(s.indexOf(':') + 1));
    }
    return new InetSocketAddress(literal(host), port);
  }

  private static int port(String text, String p) {
    try {
      int port = Integer.parseInt(p);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': '" + p + "' is not a port number");
    }
  }
}
