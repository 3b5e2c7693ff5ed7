package org.airgap.dhcp.v6;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.Optional;
import org.airgap.dns.Network;

/**
 * A DHCPv6 range {@code start}–{@code end} inside {@code network} (a /64 as a rule), or with {@code
 * staticOnly} a network where only static hosts get addresses ({@code dhcp-range=::,static} with a
 * constructor).
 */
public record Range6(
    Network network,
    Inet6Address start,
    Inet6Address end,
    Optional<Duration> leaseTime,
    boolean staticOnly) {
  public Range6 {
    if (!network.contains(start) || !network.contains(end)) {
      throw new IllegalArgumentException(
          start.getHostAddress() + "-" + end.getHostAddress() + " is not inside " + network);
    }
    if (toBig(start).compareTo(toBig(end)) > 0) {
      throw new IllegalArgumentException(
          "the range starts after it ends: "
              + start.getHostAddress()
              + " > "
              + end.getHostAddress());
    }
  }

  /** The number of addresses in the range (0 when static only). */
  public BigInteger size() {
    return staticOnly ? BigInteger.ZERO : toBig(end).subtract(toBig(start)).add(BigInteger.ONE);
  }

  public boolean inRange(Inet6Address a) {
    BigInteger v = toBig(a);
    return !staticOnly && v.compareTo(toBig(start)) >= 0 && v.compareTo(toBig(end)) <= 0;
  }

  /** The {@code i}-th address of the range. */
  public Inet6Address at(BigInteger i) {
    return fromBig(toBig(start).add(i));
  }

  /** The {@code i}-th address of the range (i below 2^63), without BigInteger arithmetic. */
  public Inet6Address at(long i) {
    byte[] b = start.getAddress();
    long hi = java.nio.ByteBuffer.wrap(b, 0, 8).getLong();
    long lo = java.nio.ByteBuffer.wrap(b, 8, 8).getLong();
    long sum = lo + i;
    if (Long.compareUnsigned(sum, lo) < 0) {
      hi++;
    }
    java.nio.ByteBuffer.wrap(b).putLong(hi).putLong(sum);
    return Dhcp6Message.v6(b);
  }

  static BigInteger toBig(Inet6Address a) {
    return new BigInteger(1, a.getAddress());
  }

  static Inet6Address fromBig(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] b = new byte[16];
    int n = Math.min(16, raw.length);
    System.arraycopy(raw, raw.length - n, b, 16 - n, n);
    return Dhcp6Message.v6(b);
  }
}
