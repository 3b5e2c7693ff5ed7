package org.airgap.dhcp;

/** A packet that is not a well-formed DHCP message; the server drops it and counts it. */
public final class DhcpCodecException extends RuntimeException {
  public DhcpCodecException(String message) {
    super(message);
  }
}
