package org.airgap.dhcp.v6;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.airgap.dhcp.Mac;

/**
 * A DHCP unique identifier (RFC 8415 section 11): DUID-LLT (1), DUID-EN (2), DUID-LL (3) or
 * DUID-UUID (4), kept as its bytes. Only LLT and LL carry a link-layer address.
 */
public record Duid(byte[] bytes) {
  public static final int LLT = 1;
  public static final int EN = 2;
  public static final int LL = 3;
  public static final int UUID = 4;

  public Duid {
    if (bytes.length < 2 || bytes.length > 130) {
      throw new IllegalArgumentException("a DUID is 2 to 130 bytes, not " + bytes.length);
    }
    bytes = bytes.clone();
  }

  /** A DUID from its hex form, colons allowed ({@code 00:03:00:01:52:54:00:aa:bb:cc}). */
  public static Duid parse(String hex) {
    return new Duid(HexFormat.of().parseHex(hex.replace(":", "")));
  }

  /** DUID-LL of an Ethernet address. */
  public static Duid ll(Mac mac) {
    byte[] m = mac.bytes();
    byte[] b = new byte[4 + m.length];
    b[1] = LL;
    b[3] = 1; // hardware type 1: Ethernet
    System.arraycopy(m, 0, b, 4, m.length);
    return new Duid(b);
  }

  public int type() {
    return ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
  }

  /** The Ethernet address inside a DUID-LLT or DUID-LL, if it is one. */
  public Optional<Mac> mac() {
    int offset =
        switch (type()) {
          case LLT -> 8;
          case LL -> 4;
          default -> -1;
        };
    if (offset < 0 || bytes.length != offset + 6 || bytes[3] != 1 || bytes[2] != 0) {
      return Optional.empty();
    }
    return Optional.of(Mac.of(bytes, offset, 6));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Duid d && Arrays.equals(bytes, d.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Lower-case hex, no separators (the lease log's form). */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
