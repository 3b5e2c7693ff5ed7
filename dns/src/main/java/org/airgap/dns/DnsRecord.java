package org.airgap.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * A record airgap publishes, in the terms a site operator uses (dnsmasq's {@code host-record},
 * {@code cname}, {@code ptr-record}, {@code srv-host}, {@code txt-record}). Names are absolute
 * without the trailing dot; a leading {@code *.} label makes a wildcard.
 */
public sealed interface DnsRecord {

  /** The owner name, lower case, without a trailing dot. */
  String name();

  /**
   * A and AAAA records: one name, several addresses of either family; with {@code ptr} the name is
   * a candidate for the PTR of each address (dnsmasq's {@code address=} lines are not).
   */
  record Host(String name, List<InetAddress> addresses, boolean ptr) implements DnsRecord {
    /** A host record that also names its addresses in the reverse zones. */
    public Host(String name, List<InetAddress> addresses) {
      this(name, addresses, true);
    }

    public Host {
      name = Names.normalize(name);
      addresses = List.copyOf(addresses);
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("host " + name + " needs at least one address");
      }
    }

    public boolean isWildcard() {
      return name.startsWith("*.");
    }
  }

  /** {@code name} is an alias of {@code target}. */
  record Cname(String name, String target) implements DnsRecord {
    public Cname {
      name = Names.normalize(name);
      target = Names.normalize(target);
      if (name.equals(target)) {
        throw new IllegalArgumentException("cname " + name + " points to itself");
      }
    }
  }

  /** A PTR record; {@code name} is the reverse name ({@code 10.126.168.192.in-addr.arpa}). */
  record Ptr(String name, String target) implements DnsRecord {
    public Ptr {
      name = Names.normalize(name);
      target = Names.normalize(target);
    }

    /** The PTR for an address: its reverse name points to {@code target}. */
    public static Ptr of(InetAddress address, String target) {
      return new Ptr(Names.reverse(address), target);
    }
  }

  /** An SRV record ({@code _service._proto.name}). */
  record Srv(String name, String target, int port, int priority, int weight) implements DnsRecord {
    public Srv {
      name = Names.normalize(name);
      target = Names.normalize(target);
      check("port", port);
      check("priority", priority);
      check("weight", weight);
    }

    private static void check(String what, int v) {
      if (v < 0 || v > 65535) {
        throw new IllegalArgumentException("srv " + what + " " + v + " is out of range 0-65535");
      }
    }
  }

  /** A TXT record with one or more strings. */
  record Txt(String name, List<String> texts) implements DnsRecord {
    public Txt {
      name = Names.normalize(name);
      texts = List.copyOf(texts);
      for (String t : texts) {
        if (t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
          throw new IllegalArgumentException("txt " + name + ": a string is longer than 255 bytes");
        }
      }
    }
  }

  /** Lower-case helper shared by the records. */
  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
