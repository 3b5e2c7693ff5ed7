package org.airgap.dns;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * An upstream DNS server that names outside airgap's zones are forwarded to; with {@code domains}
 * only names under those domains ({@code server=/corp.example/10.1.1.1}), otherwise every name.
 */
public record Upstream(InetSocketAddress address, List<String> domains) {
  public Upstream {
    domains = domains.stream().map(Names::normalize).toList();
  }

  /** An upstream for every name. */
  public static Upstream of(InetSocketAddress address) {
    return new Upstream(address, List.of());
  }
}
