package org.airgap.appliance.services;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.config.WebsrvSection;
import org.airgap.websrv.WebServer;
import org.airgap.websrv.WebServerConfig;

/** The RHCOS image web server, wired from {@code websrv:}. */
public final class WebsrvUnit implements ManagedService {
  private final ApplianceContext ctx;
  private final WebServer server;

  public WebsrvUnit(ApplianceContext ctx) {
    this.ctx = ctx;
    WebsrvSection s = ctx.config().websrv();
    this.server =
        new WebServer(
            new WebServerConfig(
                s.listen().stream().map(ListenAddress::socketAddress).toList(),
                ctx.config().websrvRoot(),
                s.directoryIndex()));
  }

  @Override
  public String name() {
    return "websrv";
  }

  @Override
  public void start() throws Exception {
    java.nio.file.Files.createDirectories(ctx.config().websrvRoot().resolve("images"));
    server.start();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return server.addresses();
  }

  @Override
  public List<String> urls() {
    int port = addresses().get(0).getPort();
    return List.of(ctx.urls().base(false, ctx.config().websrv().advertise(), port) + "/images/");
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
