package org.airgap.dhcp.v6;

import java.net.Inet6Address;
import java.time.Instant;
import java.util.Optional;
import org.airgap.dhcp.Mac;

/**
 * One DHCPv6 binding: the identity association {@code iaid} of the client {@code duid} holds {@code
 * address} until {@code expires}; {@code mac} is the client's link-layer address where it was
 * known, {@code hostname} the static host's name or the one the client asked for.
 */
public record Lease6(
    Duid duid,
    long iaid,
    Inet6Address address,
    Optional<Mac> mac,
    Optional<String> hostname,
    Instant expires) {
  /** The expiry of an {@code infinite} lease. */
  public static final Instant NEVER = org.airgap.dhcp.Lease.NEVER;

  /** The identity association a binding belongs to. */
  public record Key(Duid duid, long iaid) {}

  public Key key() {
    return new Key(duid, iaid);
  }

  public boolean expired(Instant now) {
    return !expires.isAfter(now);
  }
}
