package org.airgap.appliance.services;

import java.net.InetSocketAddress;
import java.util.List;

/** DHCPv4/v6, wired from {@code dhcp:} and the dnsmasq files. (Placeholder.) */
public final class DhcpUnit implements ManagedService {
  public DhcpUnit(ApplianceContext ctx) {}

  @Override
  public String name() {
    return "dhcp";
  }

  @Override
  public void start() {
    throw new UnsupportedOperationException("DHCP is not implemented yet: set dhcp.enabled: false");
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return List.of();
  }

  @Override
  public List<String> urls() {
    return List.of();
  }

  @Override
  public void close() {}
}
