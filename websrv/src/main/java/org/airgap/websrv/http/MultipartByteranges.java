package org.airgap.websrv.http;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The framing of a {@code multipart/byteranges} body (RFC 9110 section 14.6): each part's header
 * text and the closing delimiter, so a server can interleave them with zero-copy file regions and
 * know the {@code Content-Length} in advance.
 *
 * <pre>
 * --BOUNDARY CRLF Content-Type: T CRLF Content-Range: bytes a-b/LEN CRLF CRLF  (part 1 header)
 * ...bytes a..b...
 * CRLF --BOUNDARY CRLF ... CRLF CRLF                                           (part 2 header)
 * ...bytes...
 * CRLF --BOUNDARY-- CRLF                                                       (closing)
 * </pre>
 */
public record MultipartByteranges(
    String boundary, String partContentType, long total, List<ByteRange> ranges) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public MultipartByteranges {
    ranges = List.copyOf(ranges);
    if (boundary.isEmpty() || boundary.length() > 70) {
      throw new IllegalArgumentException("a boundary has 1 to 70 characters");
    }
  }

  /** A fresh random boundary. */
  public static String randomBoundary() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return "airgap-" + HexFormat.of().formatHex(b);
  }

  /** The response's {@code Content-Type}. */
  public String contentType() {
    return "multipart/byteranges; boundary=" + boundary;
  }

  /** The text that precedes the bytes of part {@code i}. */
  public String partHeader(int i) {
    return (i == 0 ? "" : "\r\n")
        + "--"
        + boundary
        + "\r\nContent-Type: "
        + partContentType
        + "\r\nContent-Range: "
        + ranges.get(i).contentRange(total)
        + "\r\n\r\n";
  }

  /** The text after the last part. */
  public String closing() {
    return "\r\n--" + boundary + "--\r\n";
  }

  /** The whole body's length: headers, bytes and the closing delimiter. */
  public long contentLength() {
    long n = closing().length();
    for (int i = 0; i < ranges.size(); i++) {
      n += partHeader(i).getBytes(StandardCharsets.US_ASCII).length + ranges.get(i).length();
    }
    return n;
  }

  /** Header texts, in order, for callers that prefer a list. */
  public List<String> partHeaders() {
    List<String> out = new ArrayList<>(ranges.size());
    for (int i = 0; i < ranges.size(); i++) {
      out.add(partHeader(i));
    }
    return out;
  }
}
