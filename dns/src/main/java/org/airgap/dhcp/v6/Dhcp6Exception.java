package org.airgap.dhcp.v6;

/** The DHCPv6 server or the router advertiser cannot start: names the interface and the reason. */
public final class Dhcp6Exception extends RuntimeException {
  public Dhcp6Exception(String message) {
    super(message);
  }
}
