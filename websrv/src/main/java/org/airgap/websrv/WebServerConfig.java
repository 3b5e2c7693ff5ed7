package org.airgap.websrv;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.airgap.websrv.http.RangeHeader;

/**
 * What the web server needs.
 *
 * @param listen plain-HTTP addresses (port 0: any free port); {@code [::]} is dual stack
 * @param root the folder served; the URL path is the path under it
 * @param directoryIndex whether a directory URL answers with an HTML listing (else 404)
 * @param tlsListen HTTPS addresses, served with {@code tls} (bodies are copied, not sendfile)
 * @param tls the server TLS context for {@code tlsListen}; a context whose key manager is swapped
 *     at run time rotates certificates without a restart
 * @param allowedSymlinkTargets folders outside the root that symlinks under the root may point into
 * @param maxRanges the most ranges one request may ask for; more get the whole file (200)
 * @param idleTimeout a connection with neither reads nor write progress for this long is closed
 */
public record WebServerConfig(
    List<InetSocketAddress> listen,
    Path root,
    boolean directoryIndex,
    List<InetSocketAddress> tlsListen,
    Optional<SSLContext> tls,
    List<Path> allowedSymlinkTargets,
    int maxRanges,
    Duration idleTimeout) {

  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);

  public WebServerConfig {
    listen = List.copyOf(listen);
    tlsListen = List.copyOf(tlsListen);
    allowedSymlinkTargets = List.copyOf(allowedSymlinkTargets);
    if (!tlsListen.isEmpty() && tls.isEmpty()) {
      throw new IllegalArgumentException("tlsListen needs a TLS context");
    }
    if (maxRanges < 1) {
      throw new IllegalArgumentException("maxRanges must be at least 1");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive");
    }
  }

  /** Plain HTTP only, every other setting at its default. */
  public WebServerConfig(List<InetSocketAddress> listen, Path root, boolean directoryIndex) {
    this(
        listen,
        root,
        directoryIndex,
        List.of(),
        Optional.empty(),
        List.of(),
        RangeHeader.DEFAULT_MAX_RANGES,
        DEFAULT_IDLE_TIMEOUT);
  }
}
