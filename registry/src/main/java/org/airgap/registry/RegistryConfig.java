package org.airgap.registry;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What the registry needs: listen addresses, TLS (empty: plain HTTP), its storage folder, and
 * whether anonymous pulls are allowed. (The registry issue extends it.)
 */
public record RegistryConfig(
    List<InetSocketAddress> listen, Optional<SSLContext> tls, Path storage, boolean anonymousPull) {
  public RegistryConfig {
    listen = List.copyOf(listen);
  }
}
