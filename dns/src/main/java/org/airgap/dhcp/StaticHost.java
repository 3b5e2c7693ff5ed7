package org.airgap.dhcp;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@code dhcp-host}: clients whose MAC matches one of {@code macs} ({@code *} octets allowed) get
 * {@code address} and {@code hostname}, carry the tag {@code known} and {@code sets}, or are
 * ignored.
 */
public record StaticHost(
    List<String> macs,
    Optional<Inet4Address> address,
    Optional<String> hostname,
    Optional<Duration> leaseTime,
    List<String> sets,
    boolean ignore) {
  public StaticHost {
    macs = List.copyOf(macs);
    sets = List.copyOf(sets);
    if (macs.isEmpty()) {
      throw new IllegalArgumentException("a DHCP host needs a MAC address");
    }
  }

  public boolean matches(Mac mac) {
    return macs.stream().anyMatch(mac::matches);
  }
}
