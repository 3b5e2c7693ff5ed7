package org.airgap.registry.mirror;

import java.util.Locale;

/** Byte sizes for people: {@code 1.5 GiB}; and {@code 4G}-style sizes from them. */
public final class Sizes {
  private Sizes() {}

  public static String human(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code 512M}, {@code 4G}, {@code 4GiB}, {@code 1000000}: binary units. */
  public static long parse(String text) {
    String s = text.strip().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
    long mult = 1;
    if (!s.isEmpty()) {
      char last = s.charAt(s.length() - 1);
      int shift =
          switch (last) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
          };
      if (shift > 0) {
        mult = 1L << shift;
        s = s.substring(0, s.length() - 1);
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(s.strip()), mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new MirrorException(MirrorException.Kind.USAGE, "bad size '" + text + "'");
    }
  }
}
