package org.airgap.dns;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** Authoritative DNS over UDP and TCP. (Placeholder until the Netty server lands.) */
public final class DnsServer implements AutoCloseable {
  private final DnsConfig config;

  public DnsServer(DnsConfig config) {
    this.config = config;
  }

  public void start() {
    throw new UnsupportedOperationException("not yet");
  }

  public List<InetSocketAddress> addresses() {
    return config.listen();
  }

  public Map<String, Long> counters() {
    return Map.of();
  }

  @Override
  public void close() {}
}
