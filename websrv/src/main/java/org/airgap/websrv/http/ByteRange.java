package org.airgap.websrv.http;

/**
 * One satisfiable byte range of a representation: {@code first} to {@code last}, both inclusive, as
 * HTTP writes them ({@code bytes=0-499} is {@code ByteRange(0, 499)}).
 */
public record ByteRange(long first, long last) {
  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("invalid byte range " + first + "-" + last);
    }
  }

  /** The number of bytes in the range. */
  public long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value for this range of a representation of {@code total} bytes. */
  public String contentRange(long total) {
    return "bytes " + first + "-" + last + "/" + total;
  }
}
