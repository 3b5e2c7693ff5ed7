package org.airgap.appliance.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A listen address: {@code HOST:PORT} with IPv6 literals in brackets ({@code [::]:5000}, {@code
 * 127.0.0.1:9180}). {@code [::]} is dual stack. Port 0 means "any free port".
 */
public record ListenAddress(InetAddress host, int port) {

  public ListenAddress {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
    }
  }

  @JsonCreator
  public static ListenAddress parse(String text) {
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not HOST:PORT (for example [::]:5000 or 127.0.0.1:9180)");
    }
    String host = s.substring(0, colon);
    String portText = s.substring(colon + 1);
    if (host.startsWith("[")) {
      if (!host.endsWith("]")) {
        throw new IllegalArgumentException("'" + text + "': unbalanced brackets");
      }
      host = host.substring(1, host.length() - 1);
      if (!host.contains(":")) {
        throw new IllegalArgumentException(
            "'" + text + "': brackets are for IPv6 literals only; write IPv4 without them");
      }
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "'" + text + "': an IPv6 address must be in brackets, as in [" + host + "]:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': '" + portText + "' is not a port number");
    }
    return new ListenAddress(Addresses.literal(host.isEmpty() ? "::" : host), port);
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  public boolean isWildcard() {
    return host.isAnyLocalAddress();
  }

  public boolean isLoopback() {
    return host.isLoopbackAddress();
  }

  /** Whether this listener and {@code other} would compete for one socket. */
  public boolean overlaps(ListenAddress other) {
    return port != 0
        && port == other.port
        && (isWildcard() || other.isWildcard() || host.equals(other.host));
  }

  @JsonValue
  @Override
  public String toString() {
    return Addresses.hostPort(host.getHostAddress(), port);
  }
}
