package org.airgap.dns;

/** A DNS server failure the caller can report as is (cannot bind, bad configuration). */
public final class DnsException extends RuntimeException {
  public DnsException(String message) {
    super(message);
  }

  public DnsException(String message, Throwable cause) {
    super(message, cause);
  }
}
