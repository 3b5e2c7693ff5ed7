package org.airgap.dhcp;

import java.time.Duration;

/**
 * dnsmasq lease times: {@code 45m}, {@code 12h}, {@code 1d}, {@code 2w}, {@code 600}, {@code
 * infinite}.
 */
public final class Durations {
  /** What {@code infinite} means on the wire: 0xffffffff seconds. */
  public static final Duration INFINITE = Duration.ofSeconds(0xffffffffL);

  private Durations() {}

  public static Duration parse(String text) {
    String s = text.trim();
    if (s.equals("infinite")) {
      return INFINITE;
    }
    if (!s.matches("\\d{1,9}[smhdw]?")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a lease time (write e.g. 600, 45m, 12h, 1d, 1w or infinite)");
    }
    char unit = s.charAt(s.length() - 1);
    long n = Long.parseLong(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1));
    long seconds =
        switch (unit) {
          case 'm' -> n * 60;
          case 'h' -> n * 3600;
          case 'd' -> n * 86400;
          case 'w' -> n * 7 * 86400;
          default -> n;
        };
    if (seconds < 120) {
      seconds = 120; // dnsmasq's floor: shorter leases only make clients hammer the server
    }
    return Duration.ofSeconds(seconds);
  }
}
