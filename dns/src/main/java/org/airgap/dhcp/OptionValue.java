package org.airgap.dhcp;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.airgap.dns.Addresses;

/**
 * One DHCPv4 option value as configured ({@code dhcp-option=option:router,10.0.0.1} or YAML), typed
 * by its code. The address {@code 0.0.0.0} stands for the server's own address on the link, as in
 * dnsmasq; it is filled in per reply by {@link #encode}.
 */
public record OptionValue(int code, Kind kind, List<String> parts) {

  /** How a value is written on the wire. */
  public enum Kind {
    ADDRESSES,
    TEXT,
    U8,
    U16,
    U32,
    DOMAINS,
    BYTES
  }

  /** dnsmasq's option names ({@code dnsmasq --help dhcp}) that sites use, with their codes. */
  static final Map<String, Integer> NAMES =
      Map.ofEntries(
          Map.entry("netmask", 1),
          Map.entry("time-offset", 2),
          Map.entry("router", 3),
          Map.entry("dns-server", 6),
          Map.entry("log-server", 7),
          Map.entry("hostname", 12),
          Map.entry("boot-file-size", 13),
          Map.entry("domain-name", 15),
          Map.entry("root-path", 17),
          Map.entry("ip-forward-enable", 19),
          Map.entry("mtu", 26),
          Map.entry("broadcast", 28),
          Map.entry("router-discovery", 31),
          Map.entry("static-route", 33),
          Map.entry("nis-domain", 40),
          Map.entry("nis-server", 41),
          Map.entry("ntp-server", 42),
          Map.entry("vendor-encap", 43),
          Map.entry("netbios-ns", 44),
          Map.entry("lease-time", 51),
          Map.entry("T1", 58),
          Map.entry("T2", 59),
          Map.entry("vendor-class", 60),
          Map.entry("tftp-server", 66),
          Map.entry("bootfile-name", 67),
          Map.entry("user-class", 77),
          Map.entry("domain-search", 119),
          Map.entry("sip-server", 120),
          Map.entry("classless-static-route", 121),
          Map.entry("tftp-server-address", 150));

  private static final Map<Integer, Kind> KINDS =
      Map.ofEntries(
          Map.entry(1, Kind.ADDRESSES),
          Map.entry(2, Kind.U32),
          Map.entry(3, Kind.ADDRESSES),
          Map.entry(6, Kind.ADDRESSES),
          Map.entry(7, Kind.ADDRESSES),
          Map.entry(12, Kind.TEXT),
          Map.entry(13, Kind.U16),
          Map.entry(15, Kind.TEXT),
          Map.entry(17, Kind.TEXT),
          Map.entry(19, Kind.U8),
          Map.entry(26, Kind.U16),
          Map.entry(28, Kind.ADDRESSES),
          Map.entry(31, Kind.U8),
          Map.entry(33, Kind.ADDRESSES),
          Map.entry(40, Kind.TEXT),
          Map.entry(41, Kind.ADDRESSES),
          Map.entry(42, Kind.ADDRESSES),
          Map.entry(43, Kind.BYTES),
          Map.entry(44, Kind.ADDRESSES),
          Map.entry(51, Kind.U32),
          Map.entry(58, Kind.U32),
          Map.entry(59, Kind.U32),
          Map.entry(60, Kind.TEXT),
          Map.entry(66, Kind.TEXT),
          Map.entry(67, Kind.TEXT),
          Map.entry(119, Kind.DOMAINS),
          Map.entry(150, Kind.ADDRESSES));

  public OptionValue {
    parts = List.copyOf(parts);
    if (code < 1 || code > 254) {
      throw new IllegalArgumentException("option " + code + " is out of range 1-254");
    }
    encode(code, kind, parts, DhcpPacket.ZERO); // validates the value now, not at a reply
  }

  /**
   * {@code OPTION,VALUE…} as dnsmasq writes it: OPTION is a number or {@code option:NAME}; values
   * are typed by the option (addresses, text, numbers, domain lists); unknown numbers are guessed:
   * addresses, a number, hex bytes {@code 01:02}, else text.
   */
  public static OptionValue parse(String option, String value) {
    String o = option.trim();
    int code;
    if (o.startsWith("option:")) {
      String n = o.substring(7);
      Integer c = NAMES.get(n);
      if (c == null) {
        throw new IllegalArgumentException(
            "unknown option name '" + n + "' (hint: use its number, e.g. 42 for ntp-server)");
      }
      code = c;
    } else if (o.matches("\\d{1,3}")) {
      code = Integer.parseInt(o);
    } else if (o.startsWith("option6:")) {
      throw new IllegalArgumentException("DHCPv6 options are not served yet");
    } else {
      throw new IllegalArgumentException(
          "'" + o + "' is not an option (write option:NAME or a number)");
    }
    List<String> parts =
        value.isBlank()
            ? List.of()
            : Arrays.stream(value.split(",")).map(String::trim).map(OptionValue::unquote).toList();
    Kind kind = KINDS.get(code);
    if (kind == null) {
      kind = guess(value.trim(), parts);
    }
    if (kind == Kind.TEXT) {
      parts = List.of(unquote(value.trim()));
    }
    return new OptionValue(code, kind, parts);
  }

  /** The value of a YAML option key: a name ({@code ntp-server}) or number. */
  public static OptionValue named(String name, String value) {
    return parse(name.matches("\\d+") ? name : "option:" + name, value);
  }

  private static Kind guess(String raw, List<String> parts) {
    if (raw.startsWith("\"")) {
      return Kind.TEXT;
    }
    if (!parts.isEmpty() && parts.stream().allMatch(p -> p.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
      return Kind.ADDRESSES;
    }
    if (parts.size() == 1 && parts.get(0).matches("\\d{1,10}")) {
      long v = Long.parseLong(parts.get(0));
      return v < 256 ? Kind.U8 : v < 65536 ? Kind.U16 : Kind.U32;
    }
    if (parts.size() == 1 && parts.get(0).matches("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*")) {
      return Kind.BYTES;
    }
    return Kind.TEXT;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  /** The value bytes, with {@code 0.0.0.0} replaced by {@code self}. */
  public byte[] encode(Inet4Address self) {
    return encode(code, kind, parts, self);
  }

  private static byte[] encode(int code, Kind kind, List<String> parts, Inet4Address self) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (kind) {
      case ADDRESSES -> {
        for (String p : parts) {
          if (!(Addresses.literal(p) instanceof Inet4Address a)) {
            throw new IllegalArgumentException("'" + p + "' is not an IPv4 address");
          }
          out.writeBytes(a.equals(DhcpPacket.ZERO) ? self.getAddress() : a.getAddress());
        }
      }
      case TEXT -> out.writeBytes(String.join(",", parts).getBytes(StandardCharsets.US_ASCII));
      case U8, U16, U32 -> {
        if (parts.size() != 1 || !parts.get(0).matches("\\d{1,10}")) {
          throw new IllegalArgumentException("option " + code + " takes one number");
        }
        long v = Long.parseLong(parts.get(0));
        int bytes = kind == Kind.U8 ? 1 : kind == Kind.U16 ? 2 : 4;
        if (v >= (1L << (8 * bytes))) {
          throw new IllegalArgumentException(v + " does not fit option " + code);
        }
        for (int i = bytes - 1; i >= 0; i--) {
          out.write((int) (v >>> (8 * i)));
        }
      }
      case DOMAINS -> parts.forEach(d -> out.writeBytes(domainName(d)));
      case BYTES -> parts.forEach(p -> out.writeBytes(HexFormat.ofDelimiter(":").parseHex(p)));
    }
    if (out.size() == 0 && kind != Kind.TEXT) {
      throw new IllegalArgumentException("option " + code + " needs a value");
    }
    return out.toByteArray();
  }

  /** RFC 1035 wire form without compression (RFC 3397 permits but does not need it). */
  static byte[] domainName(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : name.replaceAll("\\.$", "").split("\\.")) {
      byte[] l = label.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
      if (l.length == 0 || l.length > 63) {
        throw new IllegalArgumentException("'" + name + "' is not a domain name");
      }
      out.write(l.length);
      out.writeBytes(l);
    }
    out.write(0);
    return out.toByteArray();
  }

  /** Looks up an option name, for messages. */
  public static Optional<String> name(int code) {
    return NAMES.entrySet().stream()
        .filter(e -> e.getValue() == code)
        .map(Map.Entry::getKey)
        .collect(Collectors.reducing((a, b) -> a));
  }
}
