package org.airgap.dhcp.v6;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The IPv6 addresses of the calling thread's network namespace, from {@code
 * /proc/thread-self/net/if_inet6}. The JDK reads {@code /proc/self/net}, which is the namespace of
 * the process's main thread: wrong for a thread that has {@code setns}ed elsewhere (the tests).
 */
final class IfAddresses {
  /** One address: interface name and index, prefix length and whether it is link-local. */
  record Entry(String ifname, int index, Inet6Address address, int prefix, boolean linkLocal) {}

  private IfAddresses() {}

  static List<Entry> read() {
    Path p = Path.of("/proc/thread-self/net/if_inet6");
    if (!Files.exists(p)) {
      p = Path.of("/proc/self/net/if_inet6");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(p);
    } catch (IOException e) {
      return List.of(); // IPv6 off in this kernel
    }
    List<Entry> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 6 || f[0].length() != 32) {
        continue;
      }
      Inet6Address a = Dhcp6Message.v6(HexFormat.of().parseHex(f[0]));
      int scope = Integer.parseInt(f[3], 16);
      out.add(
          new Entry(
              f[5],
              Integer.parseInt(f[1], 16),
              a,
              Integer.parseInt(f[2], 16),
              scope == 0x20 || a.isLinkLocalAddress()));
    }
    return out;
  }

  static List<Entry> of(String ifname) {
    return read().stream().filter(e -> e.ifname().equals(ifname)).toList();
  }
}
