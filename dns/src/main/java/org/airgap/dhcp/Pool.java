package org.airgap.dhcp;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.airgap.dns.Network;

/**
 * A dynamic range ({@code dhcp-range=[tag:T,][set:T,]START,END[,NETMASK][,LEASE]}), or with {@code
 * staticOnly} a subnet where only {@code dhcp-host} clients get addresses ({@code
 * dhcp-range=ADDR,static}).
 *
 * @param tags the range serves only clients carrying all of these ({@code !T}: not carrying T)
 * @param sets tags given to the clients the range serves
 */
public record Pool(
    Network network,
    Inet4Address start,
    Inet4Address end,
    Optional<Duration> leaseTime,
    List<String> tags,
    List<String> sets,
    boolean staticOnly) {
  public Pool {
    tags = List.copyOf(tags);
    sets = List.copyOf(sets);
    if (!network.contains(start) || !network.contains(end)) {
      throw new IllegalArgumentException(
          start.getHostAddress()
              + "-"
              + end.getHostAddress()
              + " is not inside "
              + network.address().getHostAddress()
              + "/"
              + network.prefix());
    }
    if (Integer.compareUnsigned(Engine.toInt(start), Engine.toInt(end)) > 0) {
      throw new IllegalArgumentException(
          "the range starts after it ends: "
              + start.getHostAddress()
              + " > "
              + end.getHostAddress());
    }
  }

  /** The number of addresses in the range. */
  public long size() {
    return staticOnly
        ? 0
        : (Engine.toInt(end) & 0xffffffffL) - (Engine.toInt(start) & 0xffffffffL) + 1;
  }

  public boolean inRange(Inet4Address a) {
    int v = Engine.toInt(a);
    return Integer.compareUnsigned(v, Engine.toInt(start)) >= 0
        && Integer.compareUnsigned(v, Engine.toInt(end)) <= 0;
  }
}
