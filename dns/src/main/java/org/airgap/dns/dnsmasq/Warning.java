package org.airgap.dns.dnsmasq;

/** A line airgap did not take (unsupported, malformed, or overridden by the YAML). */
public record Warning(Source source, String message) {
  @Override
  public String toString() {
    return source + ": " + message;
  }
}
