package org.airgap.dhcp;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One BOOTP/DHCP message (RFC 2131 section 2, options RFC 2132). {@link #parse} is the way in from
 * the wire and rejects anything malformed with a {@link DhcpCodecException}; {@link #encode} writes
 * it back. Options keep their order; a code that appears twice is concatenated (RFC 3396) and an
 * overloaded {@code file}/{@code sname} field (option 52) is read as options too.
 *
 * @param op 1 BOOTREQUEST, 2 BOOTREPLY
 * @param chaddr the client hardware address ({@code hlen} bytes of the 16-byte field)
 * @param options option code to value bytes, in wire order, without pad and end
 */
public record DhcpPacket(
    int op,
    int htype,
    int hops,
    int xid,
    int secs,
    int flags,
    Inet4Address ciaddr,
    Inet4Address yiaddr,
    Inet4Address siaddr,
    Inet4Address giaddr,
    Mac chaddr,
    Map<Integer, byte[]> options) {

  public static final int BOOTREQUEST = 1;
  public static final int BOOTREPLY = 2;
  public static final int FLAG_BROADCAST = 0x8000;
  static final int MAGIC = 0x63825363;
  static final int HEADER = 236;

  /** Shortest message BOOTP relays and old clients accept (RFC 1542 section 2.1). */
  static final int MIN_LENGTH = 300;

  public static final Inet4Address ZERO = v4(new byte[4]);
  public static final Inet4Address BROADCAST = v4(new byte[] {-1, -1, -1, -1});

  public DhcpPacket {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** Reads a message off the wire; throws {@link DhcpCodecException} when it is malformed. */
  public static DhcpPacket parse(byte[] b, int length) {
    if (length < HEADER + 4) {
      throw new DhcpCodecException("too short: " + length + " bytes");
    }
    int op = u8(b, 0);
    if (op != BOOTREQUEST && op != BOOTREPLY) {
      throw new DhcpCodecException("op " + op + " is neither BOOTREQUEST nor BOOTREPLY");
    }
    int htype = u8(b, 1);
    int hlen = u8(b, 2);
    if (hlen == 0 || hlen > 16) {
      throw new DhcpCodecException("hlen " + hlen + " is out of range 1-16");
    }
    if (u32(b, HEADER) != MAGIC) {
      throw new DhcpCodecException("no DHCP magic cookie");
    }
    Map<Integer, byte[]> opts = new LinkedHashMap<>();
    readOptions(b, HEADER + 4, length, opts);
    byte[] overload = opts.get(52);
    if (overload != null && overload.length == 1) {
      if ((overload[0] & 1) != 0) {
        readOptions(b, 108, 236, opts); // file
      }
      if ((overload[0] & 2) != 0) {
        readOptions(b, 44, 108, opts); // sname
      }
    }
    return new DhcpPacket(
        op,
        htype,
        u8(b, 3),
        (int) u32(b, 4),
        u16(b, 8),
        u16(b, 10),
        addr(b, 12),
        addr(b, 16),
        addr(b, 20),
        addr(b, 24),
        Mac.of(b, 28, hlen),
        opts);
  }

  private static void readOptions(byte[] b, int from, int to, Map<Integer, byte[]> opts) {
    int i = from;
    while (i < to) {
      int code = u8(b, i++);
      if (code == 0) {
        continue;
      }
      if (code == 255) {
        return;
      }
      if (i >= to) {
        throw new DhcpCodecException("option " + code + " has no length");
      }
      int len = u8(b, i++);
      if (i + len > to) {
        throw new DhcpCodecException("option " + code + " runs past the end of the packet");
      }
      byte[] v = Arrays.copyOfRange(b, i, i + len);
      opts.merge(code, v, DhcpPacket::concat);
      i += len;
    }
    // Many clients omit the end option; the data ran out cleanly, so accept it.
  }

  /** The message bytes: header, magic cookie, options, end, padded to 300 bytes. */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(MIN_LENGTH + 64);
    byte[] h = new byte[HEADER];
    h[0] = (byte) op;
    h[1] = (byte) htype;
    byte[] mac = chaddr.bytes();
    h[2] = (byte) mac.length;
    h[3] = (byte) hops;
    put32(h, 4, xid);
    h[8] = (byte) (secs >>> 8);
    h[9] = (byte) secs;
    h[10] = (byte) (flags >>> 8);
    h[11] = (byte) flags;
    System.arraycopy(ciaddr.getAddress(), 0, h, 12, 4);
    System.arraycopy(yiaddr.getAddress(), 0, h, 16, 4);
    System.arraycopy(siaddr.getAddress(), 0, h, 20, 4);
    System.arraycopy(giaddr.getAddress(), 0, h, 24, 4);
    System.arraycopy(mac, 0, h, 28, mac.length);
    out.writeBytes(h);
    out.writeBytes(new byte[] {0x63, (byte) 0x82, 0x53, 0x63});
    options.forEach(
        (code, v) -> {
          int off = 0;
          do { // values over 255 bytes are split into several instances (RFC 3396)
            int n = Math.min(255, v.length - off);
            out.write(code);
            out.write(n);
            out.write(v, off, n);
            off += n;
          } while (off < v.length);
        });
    out.write(255);
    while (out.size() < MIN_LENGTH) {
      out.write(0);
    }
    return out.toByteArray();
  }

  public Optional<MessageType> type() {
    byte[] t = options.get(53);
    return t == null || t.length != 1 ? Optional.empty() : MessageType.of(t[0] & 0xff);
  }

  public Optional<byte[]> option(int code) {
    return Optional.ofNullable(options.get(code)).map(byte[]::clone);
  }

  /** An option holding one IPv4 address (requested address 50, server identifier 54). */
  public Optional<Inet4Address> addressOption(int code) {
    byte[] v = options.get(code);
    return v == null || v.length != 4 ? Optional.empty() : Optional.of(v4(v));
  }

  /** An option holding text (host name 12), without trailing NULs. */
  public Optional<String> textOption(int code) {
    byte[] v = options.get(code);
    if (v == null) {
      return Optional.empty();
    }
    int n = v.length;
    while (n > 0 && v[n - 1] == 0) {
      n--;
    }
    return Optional.of(new String(v, 0, n, StandardCharsets.US_ASCII));
  }

  public boolean broadcastFlag() {
    return (flags & FLAG_BROADCAST) != 0;
  }

  public static Inet4Address v4(byte[] four) {
    try {
      return (Inet4Address) InetAddress.getByAddress(four);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Inet4Address addr(byte[] b, int off) {
    return v4(Arrays.copyOfRange(b, off, off + 4));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static int u8(byte[] b, int i) {
    return b[i] & 0xff;
  }

  static int u16(byte[] b, int i) {
    return (u8(b, i) << 8) | u8(b, i + 1);
  }

  static long u32(byte[] b, int i) {
    return ((long) u16(b, i) << 16) | u16(b, i + 2);
  }

  static void put32(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
