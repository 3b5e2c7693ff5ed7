package org.airgap.appliance.admin;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.config.Site;

/**
 * Refuses requests whose {@code Host} is not one of the admin listener's names or addresses, so a
 * web page whose name was re-pointed at 127.0.0.1 (DNS rebinding) cannot read or act through the
 * operator's browser. Accepted: {@code localhost} and the loopback addresses, {@code
 * site.hostname}, {@code site.hostnames}, {@code site.addresses}, each listen address, and every
 * interface address when a wildcard is listened on. The port is not compared ({@code ssh -L} may
 * forward any local port).
 */
final class HostCheck {
  private final Set<String> names = new HashSet<>();
  private final Set<InetAddress> addresses = new HashSet<>();

  HostCheck(Site site, List<ListenAddress> listen) {
    names.add("localhost");
    addresses.add(Addresses.literal("127.0.0.1"));
    addresses.add(Addresses.literal("::1"));
    names.add(normalize(site.hostname()));
    site.hostnames().forEach(h -> names.add(normalize(h)));
    addresses.addAll(site.inetAddresses());
    for (ListenAddress l : listen) {
      if (l.isWildcard()) {
        addresses.addAll(interfaceAddresses());
      } else {
        addresses.add(l.host());
      }
    }
    if (Addresses.isLiteral(site.hostname())) {
      addresses.add(Addresses.literal(site.hostname()));
    }
  }

  private static List<InetAddress> interfaceAddresses() {
    try {
      return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
          .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
          .toList();
    } catch (SocketException e) {
      return List.of();
    }
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** Whether a request with this {@code Host} header value may be served. */
  boolean allows(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return false;
    }
    String h = hostHeader.strip();
    String host;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      if (end < 0) {
        return false;
      }
      host = h.substring(1, end);
      String rest = h.substring(end + 1);
      if (!rest.isEmpty() && !rest.matches(":\\d{1,5}")) {
        return false;
      }
    } else {
      int colon = h.indexOf(':');
      if (colon >= 0 && h.indexOf(':', colon + 1) >= 0) {
        return false; // an unbracketed IPv6 literal is not a valid Host
      }
      host = colon < 0 ? h : h.substring(0, colon);
      if (colon >= 0 && !h.substring(colon + 1).matches("\\d{1,5}")) {
        return false;
      }
    }
    if (host.isEmpty()) {
      return false;
    }
    if (Addresses.isLiteral(host)) {
      InetAddress a = Addresses.literal(host);
      return addresses.contains(a) || a.isLoopbackAddress();
    }
    return names.contains(normalize(host));
  }
}
