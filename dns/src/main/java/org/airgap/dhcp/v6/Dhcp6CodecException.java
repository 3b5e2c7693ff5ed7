package org.airgap.dhcp.v6;

/** A DHCPv6 message that cannot be read: too short, an option running past its end, and such. */
public final class Dhcp6CodecException extends RuntimeException {
  public Dhcp6CodecException(String message) {
    super(message);
  }
}
