package org.airgap.dhcp.v6;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A DHCPv6 message (RFC 8415 section 8) or relay message (section 9), with its options in wire
 * order (an option may repeat: several IA_NA). Parsing checks every length against the bytes it has
 * and throws {@link Dhcp6CodecException} for anything that does not add up.
 *
 * @param type the message type ({@link #SOLICIT} …)
 * @param transactionId the 24-bit transaction id (0 for relay messages)
 * @param hops relay messages: the hop count
 * @param linkAddress relay messages: the link the client is on (or {@code ::})
 * @param peerAddress relay messages: the client's or previous relay's address
 */
public record Dhcp6Message(
    int type,
    int transactionId,
    int hops,
    Optional<Inet6Address> linkAddress,
    Optional<Inet6Address> peerAddress,
    List<Option> options) {
  public static final int SOLICIT = 1;
  public static final int ADVERTISE = 2;
  public static final int REQUEST = 3;
  public static final int CONFIRM = 4;
  public static final int RENEW = 5;
  public static final int REBIND = 6;
  public static final int REPLY = 7;
  public static final int RELEASE = 8;
  public static final int DECLINE = 9;
  public static final int RECONFIGURE = 10;
  public static final int INFORMATION_REQUEST = 11;
  public static final int RELAY_FORW = 12;
  public static final int RELAY_REPL = 13;

  public static final int OPT_CLIENTID = 1;
  public static final int OPT_SERVERID = 2;
  public static final int OPT_IA_NA = 3;
  public static final int OPT_IA_TA = 4;
  public static final int OPT_IAADDR = 5;
  public static final int OPT_ORO = 6;
  public static final int OPT_PREFERENCE = 7;
  public static final int OPT_ELAPSED_TIME = 8;
  public static final int OPT_RELAY_MSG = 9;
  public static final int OPT_STATUS_CODE = 13;
  public static final int OPT_RAPID_COMMIT = 14;
  public static final int OPT_INTERFACE_ID = 18;
  public static final int OPT_DNS_SERVERS = 23;
  public static final int OPT_DOMAIN_LIST = 24;
  public static final int OPT_IA_PD = 25;
  public static final int OPT_CLIENT_FQDN = 39;
  public static final int OPT_CLIENT_LINKLAYER_ADDR = 79;

  private static final String[] NAMES = {
    "?",
    "solicit",
    "advertise",
    "request",
    "confirm",
    "renew",
    "rebind",
    "reply",
    "release",
    "decline",
    "reconfigure",
    "information_request",
    "relay_forw",
    "relay_repl"
  };

  /** One option: its code and its bytes. */
  public record Option(int code, byte[] data) {
    public Option {
      if (data.length > 0xffff) {
        throw new IllegalArgumentException("option " + code + " is longer than 65535 bytes");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Option x && x.code == code && Arrays.equals(x.data, data);
    }

    @Override
    public int hashCode() {
      return 31 * code + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return code + ":" + java.util.HexFormat.of().formatHex(data);
    }
  }

  public Dhcp6Message {
    options = List.copyOf(options);
  }

  /** A client or server message. */
  public static Dhcp6Message of(int type, int transactionId, List<Option> options) {
    return new Dhcp6Message(
        type, transactionId & 0xffffff, 0, Optional.empty(), Optional.empty(), options);
  }

  /** A relay message. */
  public static Dhcp6Message relay(
      int type, int hops, Inet6Address link, Inet6Address peer, List<Option> options) {
    return new Dhcp6Message(type, 0, hops, Optional.of(link), Optional.of(peer), options);
  }

  public boolean isRelay() {
    return type == RELAY_FORW || type == RELAY_REPL;
  }

  /** The message type's name in lower case, for counters and logs. */
  public String typeName() {
    return type > 0 && type < NAMES.length ? NAMES[type] : "type_" + type;
  }

  public Optional<byte[]> option(int code) {
    return options.stream().filter(o -> o.code() == code).map(Option::data).findFirst();
  }

  public List<byte[]> all(int code) {
    return options.stream().filter(o -> o.code() == code).map(Option::data).toList();
  }

  public boolean has(int code) {
    return options.stream().anyMatch(o -> o.code() == code);
  }

  public Optional<Duid> clientId() {
    return duid(OPT_CLIENTID);
  }

  public Optional<Duid> serverId() {
    return duid(OPT_SERVERID);
  }

  private Optional<Duid> duid(int code) {
    Optional<byte[]> b = option(code);
    if (b.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Duid(b.get()));
    } catch (IllegalArgumentException e) {
      throw new Dhcp6CodecException("option " + code + ": " + e.getMessage());
    }
  }

  /** Reads a message from {@code b[0..length)}. */
  public static Dhcp6Message parse(byte[] b, int offset, int length) {
    if (length < 4) {
      throw new Dhcp6CodecException("a DHCPv6 message is at least 4 bytes, got " + length);
    }
    int type = b[offset] & 0xff;
    if (type == RELAY_FORW || type == RELAY_REPL) {
      if (length < 34) {
        throw new Dhcp6CodecException("a relay message is at least 34 bytes, got " + length);
      }
      return new Dhcp6Message(
          type,
          0,
          b[offset + 1] & 0xff,
          Optional.of(v6(b, offset + 2)),
          Optional.of(v6(b, offset + 18)),
          options(b, offset + 34, offset + length));
    }
    int xid =
        ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff);
    return of(type, xid, options(b, offset + 4, offset + length));
  }

  public static Dhcp6Message parse(byte[] b) {
    return parse(b, 0, b.length);
  }

  /** Options from {@code b[from..to)}. */
  public static List<Option> options(byte[] b, int from, int to) {
    List<Option> out = new ArrayList<>();
    int i = from;
    while (i < to) {
      if (to - i < 4) {
        throw new Dhcp6CodecException("truncated option header at byte " + i);
      }
      int code = u16(b, i);
      int len = u16(b, i + 2);
      if (i + 4 + len > to) {
        throw new Dhcp6CodecException("option " + code + " runs past the end (" + len + " bytes)");
      }
      out.add(new Option(code, Arrays.copyOfRange(b, i + 4, i + 4 + len)));
      i += 4 + len;
    }
    return out;
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(type);
    if (isRelay()) {
      out.write(hops);
      out.writeBytes(linkAddress.orElseThrow().getAddress());
      out.writeBytes(peerAddress.orElseThrow().getAddress());
    } else {
      out.write(transactionId >>> 16);
      out.write(transactionId >>> 8);
      out.write(transactionId);
    }
    out.writeBytes(encode(options));
    return out.toByteArray();
  }

  public static byte[] encode(List<Option> options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    for (Option o : options) {
      out.write(o.code() >>> 8);
      out.write(o.code());
      out.write(o.data().length >>> 8);
      out.write(o.data().length);
      out.writeBytes(o.data());
    }
    return out.toByteArray();
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }

  static long u32(byte[] b, int i) {
    return ((long) (b[i] & 0xff) << 24)
        | ((b[i + 1] & 0xff) << 16)
        | ((b[i + 2] & 0xff) << 8)
        | (b[i + 3] & 0xff);
  }

  static byte[] u16(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  static byte[] u32(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static Inet6Address v6(byte[] b, int i) {
    try {
      return (Inet6Address) InetAddress.getByAddress(Arrays.copyOfRange(b, i, i + 16));
    } catch (UnknownHostException | ClassCastException e) {
      throw new Dhcp6CodecException("bad IPv6 address at byte " + i);
    }
  }

  /** An Inet6Address from 16 bytes; a mapped IPv4 address stays an Inet6Address. */
  public static Inet6Address v6(byte[] sixteen) {
    try {
      return Inet6Address.getByAddress(null, sixteen, null);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A domain name in DNS wire form (RFC 1035 section 3.1), as options 24 and 39 carry them. */
  public static byte[] domainName(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      if (label.isEmpty()) {
        continue;
      }
      byte[] l = label.getBytes(StandardCharsets.US_ASCII);
      if (l.length > 63) {
        throw new IllegalArgumentException("label '" + label + "' is longer than 63 bytes");
      }
      out.write(l.length);
      out.writeBytes(l);
    }
    out.write(0);
    return out.toByteArray();
  }

  /** The first label of a wire-form name (what a client's FQDN option asks to be called). */
  static Optional<String> firstLabel(byte[] b, int offset) {
    if (offset >= b.length) {
      return Optional.empty();
    }
    int len = b[offset] & 0xff;
    if (len == 0 || len > 63 || offset + 1 + len > b.length) {
      return Optional.empty();
    }
    return Optional.of(new String(b, offset + 1, len, StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return typeName()
        + (isRelay() ? "" : " xid " + Integer.toHexString(transactionId))
        + " "
        + options;
  }
}
