package org.airgap.websrv.http;

import java.util.List;

/** What a {@code Range} header asks of a representation of a known length. */
public sealed interface RangeResult {

  /**
   * Serve the whole representation with 200: no header, a syntax error, another unit, more ranges
   * than the cap, or overlapping ranges (RFC 9110 lets a server ignore those).
   */
  record Full() implements RangeResult {}

  /** Serve these ranges, in the order asked, with 206 (one range, or multipart/byteranges). */
  record Partial(List<ByteRange> ranges) implements RangeResult {
    public Partial {
      ranges = List.copyOf(ranges);
      if (ranges.isEmpty()) {
        throw new IllegalArgumentException("a partial result needs at least one range");
      }
    }
  }

  /** No range overlaps the representation: 416 with {@code Content-Range: bytes *}/length. */
  record Unsatisfiable(long length) implements RangeResult {
    public String contentRange() {
      return "bytes */" + length;
    }
  }
}
