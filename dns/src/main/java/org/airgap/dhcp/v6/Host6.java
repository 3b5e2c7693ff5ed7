package org.airgap.dhcp.v6;

import java.net.Inet6Address;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.airgap.dhcp.Mac;

/**
 * A static DHCPv6 host: the client whose MAC matches one of {@code macs} ({@code *} octets
 * allowed), or whose DUID is {@code duid}, gets {@code address} and {@code hostname}; with {@code
 * ignore} it gets no answer.
 */
public record Host6(
    List<String> macs,
    Optional<Duid> duid,
    Optional<Inet6Address> address,
    Optional<String> hostname,
    Optional<Duration> leaseTime,
    boolean ignore) {
  public Host6 {
    macs = List.copyOf(macs);
    if (macs.isEmpty() && duid.isEmpty()) {
      throw new IllegalArgumentException("a DHCPv6 host needs a MAC address or a DUID");
    }
  }

  /** A host by MAC with an address and a name. */
  public static Host6 of(String mac, Inet6Address address, String name) {
    return new Host6(
        List.of(mac),
        Optional.empty(),
        Optional.of(address),
        Optional.of(name),
        Optional.empty(),
        false);
  }

  public boolean matches(Optional<Mac> mac, Duid clientDuid) {
    return duid.map(clientDuid::equals).orElse(false)
        || mac.map(m -> macs.stream().anyMatch(m::matches)).orElse(false);
  }
}
