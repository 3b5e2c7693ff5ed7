package org.airgap.appliance.services;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.config.RedfishSection;
import org.airgap.redfish.RedfishConfig;
import org.airgap.redfish.RedfishServer;
import org.airgap.registry.auth.Htpasswd;

/** The Redfish BMC facade, wired from {@code redfish:}. */
public final class RedfishUnit implements ManagedService {
  private final ApplianceContext ctx;
  private final RedfishServer server;
  private final Htpasswd ownUsers;

  public RedfishUnit(ApplianceContext ctx) {
    this.ctx = ctx;
    RedfishSection s = ctx.config().redfish();
    this.ownUsers = s.htpasswd() == null ? null : new Htpasswd(s.htpasswd());
    Htpasswd users = ownUsers != null ? ownUsers : ctx.users();
    this.server =
        new RedfishServer(
            new RedfishConfig(
                s.listen().stream().map(ListenAddress::socketAddress).toList(),
                ctx.tls("redfish", s.tls()),
                s.driver(),
                s.machineList(),
                s.sessionTimeoutDuration(),
                s.powerDelay()),
            users::check);
  }

  @Override
  public String name() {
    return "redfish";
  }

  @Override
  public void start() {
    server.start();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return server.addresses();
  }

  @Override
  public List<String> urls() {
    RedfishSection s = ctx.config().redfish();
    int port = addresses().get(0).getPort();
    return List.of(ctx.urls().base(s.tls(), s.advertise(), port) + "/redfish/v1/");
  }

  /** The machine backend while running: the console's power and eject use the same calls. */
  public Optional<org.airgap.redfish.driver.MachineDriver> driver() {
    return server.driver();
  }

  @Override
  public Map<String, Long> counters() {
    return server.counters();
  }

  @Override
  public void close() {
    server.close();
  }
}
