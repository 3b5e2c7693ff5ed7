package org.airgap.websrv;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** Serves files under a root folder. (Placeholder until the Netty server lands.) */
public final class WebServer implements AutoCloseable {
  private final WebServerConfig config;

  public WebServer(WebServerConfig config) {
    this.config = config;
  }

  /** Binds every listen address; throws {@link java.io.UncheckedIOException} naming the address. */
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
