package org.airgap.registry.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version (semver.org 2.0) as release and bundle versions spell them: {@code 4.18.1},
 * {@code 4.19.0-ec.2}, {@code 1.2.3+build}. Ordered by semver precedence (build metadata ignored).
 * A leading {@code v} is accepted.
 */
public record Semver(long major, long minor, long patch, List<String> pre, String build)
    implements Comparable<Semver> {
  private static final Pattern P =
      Pattern.compile(
          "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+([0-9A-Za-z.-]+))?");

  public Semver {
    pre = List.copyOf(pre);
  }

  public static Semver parse(String text) {
    Matcher m = P.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected MAJOR.MINOR.PATCH[-PRE][+BUILD]");
    }
    List<String> pre = new ArrayList<>();
    if (m.group(4) != null) {
      pre.addAll(List.of(m.group(4).split("\\.")));
    }
    return new Semver(
        Long.parseLong(m.group(1)),
        Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3)),
        pre,
        m.group(5) == null ? "" : m.group(5));
  }

  /** Parses, or empty when the text is no semver. */
  public static java.util.Optional<Semver> tryParse(String text) {
    try {
      return java.util.Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  /** Whether {@code min <= this <= max} for the bounds given. */
  public boolean within(java.util.Optional<Semver> min, java.util.Optional<Semver> max) {
    return min.map(m -> compareTo(m) >= 0).orElse(true)
        && max.map(m -> compareTo(m) <= 0).orElse(true);
  }

  @Override
  public int compareTo(Semver o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    if (c != 0) {
      return c;
    }
    if (pre.isEmpty() || o.pre.isEmpty()) {
      return Boolean.compare(pre.isEmpty(), o.pre.isEmpty());
    }
    for (int i = 0; i < Math.min(pre.size(), o.pre.size()); i++) {
      String a = pre.get(i);
      String b = o.pre.get(i);
      boolean an = a.chars().allMatch(Character::isDigit);
      boolean bn = b.chars().allMatch(Character::isDigit);
      int x =
          an && bn
              ? new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b))
              : an ? -1 : bn ? 1 : a.compareTo(b);
      if (x != 0) {
        return x;
      }
    }
    return Integer.compare(pre.size(), o.pre.size());
  }

  @Override
  public String toString() {
    return major
        + "."
        + minor
        + "."
        + patch
        + (pre.isEmpty() ? "" : "-" + String.join(".", pre))
        + (build.isEmpty() ? "" : "+" + build);
  }
}
