package org.airgap.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code nameserver} lines of a resolv.conf (dnsmasq reads them unless {@code no-resolv}). */
public final class ResolvConf {
  private ResolvConf() {}

  /** The nameservers of {@code file} on port 53; none when it cannot be read. */
  public static List<InetSocketAddress> nameservers(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
    List<InetSocketAddress> out = new ArrayList<>();
    for (String line : lines) {
      String[] w = line.trim().split("\\s+");
      if (w.length >= 2 && w[0].equals("nameserver")) {
        try {
          out.add(new InetSocketAddress(Addresses.literal(w[1].replaceAll("%.*", "")), 53));
        } catch (IllegalArgumentException e) {
          // not an address: skipped, as the resolver does
        }
      }
    }
    return out;
  }
}
