package org.airgap.redfish;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.airgap.redfish.driver.Machine;

/**
 * What the Redfish facade needs.
 *
 * @param listen addresses to bind (port 0: any free port)
 * @param tls HTTPS when present
 * @param driver the machine backend: {@code memory} or {@code libvirt}
 * @param machines the machines of the memory backend (names and UUIDs unique)
 * @param sessionTimeout a session token unused this long expires
 * @param powerDelay how long the memory backend takes to power on or shut down gracefully
 */
public record RedfishConfig(
    List<InetSocketAddress> listen,
    Optional<SSLContext> tls,
    String driver,
    List<Machine> machines,
    Duration sessionTimeout,
    Duration powerDelay) {
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration DEFAULT_POWER_DELAY = Duration.ofSeconds(2);

  public RedfishConfig {
    listen = List.copyOf(listen);
    machines = List.copyOf(machines);
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw new IllegalArgumentException("session timeout must be positive: " + sessionTimeout);
    }
    if (powerDelay.isNegative()) {
      throw new IllegalArgumentException("power delay must not be negative: " + powerDelay);
    }
    Set<String> seen = new HashSet<>();
    for (Machine m : machines) {
      if (!seen.add(m.name()) || !seen.add(m.uuid().toString())) {
        throw new IllegalArgumentException(
            "machine " + m.name() + ": name and UUID must be unique");
      }
    }
  }

  /** The default machines, session timeout and power delay. */
  public RedfishConfig(List<InetSocketAddress> listen, Optional<SSLContext> tls, String driver) {
    this(listen, tls, driver, Machine.defaults(), DEFAULT_SESSION_TIMEOUT, DEFAULT_POWER_DELAY);
  }
}
