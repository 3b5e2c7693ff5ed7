package org.airgap.appliance.services;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One embedded service as the lifecycle sees it. Constructors only assign; {@link #start} binds;
 * {@link #close} is idempotent and never throws.
 */
public interface ManagedService extends AutoCloseable {
  /** The config section's name: registry, websrv, dns, redfish, admin. */
  String name();

  /** Binds and starts serving; an exception's message names the address and the reason. */
  void start() throws Exception;

  /** The addresses actually bound (real ports when the config said 0). */
  List<InetSocketAddress> addresses();

  /** The URLs clients use, built from {@code site.hostname} or {@code advertise}. */
  List<String> urls();

  /** Counters for /metrics, by name (a snapshot). */
  default Map<String, Long> counters() {
    return Map.of();
  }

  @Override
  void close();
}
