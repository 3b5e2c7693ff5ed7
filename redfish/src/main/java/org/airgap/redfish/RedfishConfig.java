package org.airgap.redfish;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What the Redfish facade needs.
 *
 * @param listen addresses to bind (port 0: any free port)
 * @param tls HTTPS when present
 * @param driver the machine backend: {@code memory} (libvirt is part 2)
 * @param sessionTimeout a session token unused this long expires
 */
public record RedfishConfig(
    List<InetSocketAddress> listen,
    Optional<SSLContext> tls,
    String driver,
    Duration sessionTimeout) {
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(30);

  public RedfishConfig {
    listen = List.copyOf(listen);
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw new IllegalArgumentException("session timeout must be positive: " + sessionTimeout);
    }
  }

  public RedfishConfig(List<InetSocketAddress> listen, Optional<SSLContext> tls, String driver) {
    this(listen, tls, driver, DEFAULT_SESSION_TIMEOUT);
  }
}
