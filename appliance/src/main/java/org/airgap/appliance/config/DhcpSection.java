package org.airgap.appliance.config;

/** {@code dhcp:} DHCPv4/v6; off by default. */
public record DhcpSection(Boolean enabled) {
  public DhcpSection {
    enabled = enabled != null && enabled;
  }

  void validate(Problems p) {}

  /** Every key at its default. */
  public static DhcpSection defaults() {
    return new DhcpSection(null);
  }
}
