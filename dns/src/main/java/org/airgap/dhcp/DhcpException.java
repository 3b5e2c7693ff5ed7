package org.airgap.dhcp;

/** The DHCP server cannot start: the message names the interface and the reason. */
public final class DhcpException extends RuntimeException {
  public DhcpException(String message) {
    super(message);
  }
}
