package org.airgap.dhcp;

import java.net.Inet4Address;
import java.time.Instant;
import java.util.Optional;

/**
 * One DHCPv4 lease: who ({@code mac}) holds which address until when, and the name it registered
 * (the {@code dhcp-host} name, else the client's host name option).
 */
public record Lease(Mac mac, Inet4Address address, Optional<String> hostname, Instant expires) {
  /** The expiry of an {@code infinite} lease. */
  public static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

  public boolean expired(Instant now) {
    return !expires.isAfter(now);
  }
}
