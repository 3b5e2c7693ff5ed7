package org.airgap.dhcp;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code dhcp-host}: clients whose MAC matches one of {@code macs} ({@code *} octets allowed), or
 * whose client identifier (option 61) is one of {@code clientIds}, get {@code address} and {@code
 * hostname}, carry the tag {@code known} and {@code sets}, or are ignored. A client-identifier
 * match wins over a MAC match, as in dnsmasq.
 *
 * @param clientIds client identifiers as lower-case colon-separated hex of option 61's bytes
 *     ({@link #clientId(String)} converts dnsmasq's {@code id:} forms)
 */
public record StaticHost(
    List<String> macs,
    Optional<Inet4Address> address,
    Optional<String> hostname,
    Optional<Duration> leaseTime,
    List<String> sets,
    boolean ignore,
    List<String> clientIds) {
  private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2})*");

  public StaticHost {
    macs = List.copyOf(macs);
    sets = List.copyOf(sets);
    clientIds = List.copyOf(clientIds);
    if (macs.isEmpty() && clientIds.isEmpty()) {
      throw new IllegalArgumentException("a DHCP host needs a MAC address or a client identifier");
    }
  }

  /** A host matched by MAC only. */
  public StaticHost(
      List<String> macs,
      Optional<Inet4Address> address,
      Optional<String> hostname,
      Optional<Duration> leaseTime,
      List<String> sets,
      boolean ignore) {
    this(macs, address, hostname, leaseTime, sets, ignore, List.of());
  }

  public boolean matches(Mac mac) {
    return macs.stream().anyMatch(mac::matches);
  }

  /** Whether the client identifier a request carries is one of this host's. */
  public boolean matchesClientId(Optional<byte[]> option61) {
    if (clientIds.isEmpty() || option61.isEmpty()) {
      return false;
    }
    return clientIds.contains(HexFormat.ofDelimiter(":").formatHex(option61.get()));
  }

  /**
   * A client identifier as dnsmasq writes it after {@code id:}: colon-separated hex octets ({@code
   * 01:52:54:00:aa:10:01}, the hardware type then the MAC, as dhclient and NetworkManager send it)
   * or, otherwise, the text's own bytes ({@code id:marjorie}).
   *
   * @return lower-case colon-separated hex of the option's bytes
   */
  public static String clientId(String dnsmasqForm) {
    if (dnsmasqForm.isEmpty()) {
      throw new IllegalArgumentException("an empty client identifier");
    }
    byte[] b;
    if (HEX.matcher(dnsmasqForm).matches() && dnsmasqForm.contains(":")) {
      String[] parts = dnsmasqForm.split(":");
      b = new byte[parts.length];
      for (int i = 0; i < parts.length; i++) {
        b[i] = (byte) Integer.parseInt(parts[i], 16);
      }
    } else {
      b = dnsmasqForm.getBytes(StandardCharsets.UTF_8);
    }
    return HexFormat.ofDelimiter(":").formatHex(b).toLowerCase(Locale.ROOT);
  }
}
