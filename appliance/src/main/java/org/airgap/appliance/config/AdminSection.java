package org.airgap.appliance.config;

import java.util.List;

/** {@code admin:} the health, metrics and status endpoint; loopback only by default. */
public record AdminSection(List<ListenAddress> listen) {
  public AdminSection {
    listen = listen == null ? List.of(ListenAddress.parse("127.0.0.1:9180")) : List.copyOf(listen);
  }

  void validate(Problems p) {
    if (listen.isEmpty()) {
      p.add("admin.listen", "needs at least one address", "for example 127.0.0.1:9180");
    }
  }

  /** Every key at its default. */
  public static AdminSection defaults() {
    return new AdminSection(null);
  }
}
