package org.airgap.redfish;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The Redfish service. (Placeholder until the Undertow server lands.) */
public final class RedfishServer implements AutoCloseable {
  private final RedfishConfig config;

  public RedfishServer(RedfishConfig config, Authenticator authenticator) {
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
