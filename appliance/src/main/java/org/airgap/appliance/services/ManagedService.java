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

  /**
   * Empty when the service, once running, can do its job; else why not (the registry's S3 endpoint
   * is down). {@code /readyz} reports it and the appliance is not ready meanwhile.
   */
  default java.util.Optional<String> notReady() {
    return java.util.Optional.empty();
  }

  /** Counters for /metrics, by name (a snapshot). */
  default Map<String, Long> counters() {
    return Map.of();
  }

  /** What a reload did. */
  enum ReloadOutcome {
    /** The new settings are in effect (or nothing changed). */
    APPLIED,
    /** Some new settings can only take effect after a restart. */
    NEEDS_RESTART,
    /** This service cannot reload; a changed section needs a restart. */
    NOT_SUPPORTED
  }

  /**
   * Takes a new config while running (SIGHUP). The default cannot; a service that can re-reads what
   * it owns and keeps its listeners.
   */
  default ReloadOutcome reload(ApplianceContext next) {
    return ReloadOutcome.NOT_SUPPORTED;
  }

  @Override
  void close();
}
