package org.airgap.dns.dnsmasq;

import java.nio.file.Path;

/** Where a dnsmasq line came from: file and 1-based line number. */
public record Source(Path file, int line) {
  @Override
  public String toString() {
    return file + ":" + line;
  }
}
