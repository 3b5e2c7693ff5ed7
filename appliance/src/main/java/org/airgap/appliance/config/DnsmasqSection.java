package org.airgap.appliance.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code dnsmasq:} dnsmasq-syntax files that feed DNS and DHCP (what a site already has).
 *
 * @param confFiles read in order, with what they include (conf-file, conf-dir, addn-hosts)
 * @param watch re-read them when one changes (checked every two seconds)
 */
public record DnsmasqSection(List<Path> confFiles, Boolean watch) {
  public DnsmasqSection {
    confFiles = confFiles == null ? List.of() : List.copyOf(confFiles);
    watch = watch == null || watch;
  }

  void validate(Problems p) {
    for (int i = 0; i < confFiles.size(); i++) {
      Path f = confFiles.get(i);
      if (!Files.isReadable(f)) {
        p.add(
            "dnsmasq.conf-files[" + i + "]",
            "cannot read '" + f + "'",
            "give the path of an existing dnsmasq config file");
      }
    }
  }

  /** Every key at its default. */
  public static DnsmasqSection defaults() {
    return new DnsmasqSection(null, null);
  }
}
