package org.airgap.appliance.config;

/** An {@code advertise: host:port} override: the address clients use instead of the site's. */
public record Advertise(String host, int port) {
  public static Advertise parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || (text.contains("]") && colon < text.indexOf(']'))) {
      throw new IllegalArgumentException(
          "'" + text + "' is not HOST:PORT (for example registry.example.com:5000)");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      Addresses.literal(host);
    } else if (!Addresses.isLiteral(host)) {
      Addresses.hostname(host);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("'" + text + "': write IPv6 literals in brackets");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': the port is not a number");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': port out of range 1-65535");
    }
    return new Advertise(host, port);
  }
}
