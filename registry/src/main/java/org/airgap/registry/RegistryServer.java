package org.airgap.registry;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.airgap.registry.auth.Htpasswd;

/** The OCI distribution registry. (Placeholder until the Undertow server lands.) */
public final class RegistryServer implements AutoCloseable {
  private final RegistryConfig config;

  public RegistryServer(RegistryConfig config, Htpasswd users) {
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
