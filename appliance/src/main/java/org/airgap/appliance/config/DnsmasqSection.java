package org.airgap.appliance.config;

import java.nio.file.Path;
import java.util.List;

/** {@code dnsmasq:} dnsmasq-syntax files that feed DNS and DHCP. */
public record DnsmasqSection(List<Path> confFiles) {
  public DnsmasqSection {
    confFiles = confFiles == null ? List.of() : List.copyOf(confFiles);
  }

  void validate(Problems p) {}

  /** Every key at its default. */
  public static DnsmasqSection defaults() {
    return new DnsmasqSection(null);
  }
}
