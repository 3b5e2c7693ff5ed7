package org.airgap.websrv.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses an HTTP {@code Range} header (RFC 9110 section 14.2) against a representation's length.
 *
 * <p>{@code a-b}, {@code a-} and {@code -n} are accepted; ranges past the end are clipped; ranges
 * starting past the end are dropped, and when none is left the result is {@link
 * RangeResult.Unsatisfiable}. A header that is malformed, uses another unit, asks for more than
 * {@code maxRanges} ranges or for overlapping ranges is ignored ({@link RangeResult.Full}): the
 * cost of a hostile 1000-range header is one scan of the string.
 */
public final class RangeHeader {
  /** The default cap on the number of ranges served as multipart/byteranges. */
  public static final int DEFAULT_MAX_RANGES = 16;

  /** Headers longer than this are ignored without being parsed. */
  public static final int MAX_HEADER_LENGTH = 4096;

  private static final RangeResult FULL = new RangeResult.Full();

  private RangeHeader() {}

  /** Parses {@code header} for a representation of {@code length} bytes. */
  public static RangeResult parse(String header, long length, int maxRanges) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    if (maxRanges < 1) {
      throw new IllegalArgumentException("maxRanges must be at least 1");
    }
    if (header.length() > MAX_HEADER_LENGTH) {
      return FULL;
    }
    String h = header.strip();
    int eq = h.indexOf('=');
    if (eq < 0 || !h.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
      return FULL;
    }
    String set = h.substring(eq + 1);
    int specs = 1;
    for (int i = 0; i < set.length(); i++) {
      if (set.charAt(i) == ',') {
        specs++;
      }
    }
    if (specs > maxRanges) {
      return FULL;
    }
    List<ByteRange> ranges = new ArrayList<>(specs);
    boolean any = false;
    for (String raw : set.split(",", -1)) {
      String spec = raw.strip();
      if (spec.isEmpty()) {
        continue; // RFC 9110 allows empty list elements
      }
      any = true;
      int dash = spec.indexOf('-');
      if (dash < 0) {
        return FULL;
      }
      String a = spec.substring(0, dash).strip();
      String b = spec.substring(dash + 1).strip();
      if (a.isEmpty()) {
        long suffix = digits(b);
        if (suffix < 0) {
          return FULL;
        }
        if (suffix > 0 && length > 0) {
          ranges.add(new ByteRange(Math.max(0, length - suffix), length - 1));
        }
      } else {
        long first = digits(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
        if (first < 0 || last < 0 || last < first) {
          return FULL;
        }
        if (first < length) {
          ranges.add(new ByteRange(first, Math.min(last, length - 1)));
        }
      }
    }
    if (!any) {
      return FULL;
    }
    if (ranges.isEmpty()) {
      return new RangeResult.Unsatisfiable(length);
    }
    if (overlapping(ranges)) {
      return FULL;
    }
    return new RangeResult.Partial(ranges);
  }

  /** A non-negative decimal, or -1 when {@code s} is not one (or does not fit in a long). */
  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return s.length() > 18 && s.chars().allMatch(Character::isDigit) ? Long.MAX_VALUE : -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean overlapping(List<ByteRange> ranges) {
    if (ranges.size() < 2) {
      return false;
    }
    List<ByteRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(ByteRange::first));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).first() <= sorted.get(i - 1).last()) {
        return true;
      }
    }
    return false;
  }
}
