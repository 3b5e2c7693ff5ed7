package org.airgap.appliance.config;

import java.util.List;

/**
 * {@code admin:} health, metrics, the JSON API and the web console; loopback only by default.
 * {@code tls} defaults to true when any listen address is not loopback (the wildcard included).
 */
public record AdminSection(List<ListenAddress> listen, Boolean tls) {
  public AdminSection {
    listen = listen == null ? List.of(ListenAddress.parse("127.0.0.1:9180")) : List.copyOf(listen);
    tls = tls == null ? !allLoopback(listen) : tls;
  }

  /** Whether every listen address is a loopback address (then reading needs no login). */
  public static boolean allLoopback(List<ListenAddress> listen) {
    return listen.stream().allMatch(l -> l.host().isLoopbackAddress());
  }

  void validate(Problems p) {
    if (listen.isEmpty()) {
      p.add("admin.listen", "needs at least one address", "for example 127.0.0.1:9180");
    }
  }

  /** Every key at its default. */
  public static AdminSection defaults() {
    return new AdminSection(null, null);
  }
}
