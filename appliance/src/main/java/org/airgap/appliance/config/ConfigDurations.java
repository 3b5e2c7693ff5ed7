package org.airgap.appliance.config;

import java.time.Duration;

/**
 * Durations in config files: {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}, {@code 2w}, or
 * seconds.
 */
public final class ConfigDurations {
  private ConfigDurations() {}

  public static Duration parse(String text) {
    String s = text == null ? "" : text.trim();
    if (!s.matches("\\d{1,9}[smhdw]?")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (write e.g. 90s, 15m, 24h, 7d or a number of seconds)");
    }
    char unit = s.charAt(s.length() - 1);
    long n = Long.parseLong(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1));
    return switch (unit) {
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      case 'w' -> Duration.ofDays(7 * n);
      default -> Duration.ofSeconds(n);
    };
  }
}
