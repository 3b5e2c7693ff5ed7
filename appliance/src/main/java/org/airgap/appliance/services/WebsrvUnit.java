package org.airgap.appliance.services;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
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
                s.directoryIndex(),
                s.tlsListen().stream().map(ListenAddress::socketAddress).toList(),
                ctx.tls("websrv", !s.tlsListen().isEmpty()),
                s.allowedSymlinkTargets(),
                s.maxRanges(),
                Duration.ofSeconds(s.idleTimeout())));
  }

  @Override
  public String name() {
    return "websrv";
  }

  @Override
  public void start() throws Exception {
    Files.createDirectories(ctx.config().websrvRoot().resolve("images"));
    server.start();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return server.addresses();
  }

  /** The images folder's URL: plain HTTP first (what osImages use), then HTTPS if configured. */
  @Override
  public List<String> urls() {
    List<String> out = new ArrayList<>();
    String advertise = ctx.config().websrv().advertise();
    for (InetSocketAddress a : server.httpAddresses().stream().limit(1).toList()) {
      out.add(ctx.urls().base(false, advertise, a.getPort()) + "/images/");
    }
    for (InetSocketAddress a : server.httpsAddresses().stream().limit(1).toList()) {
      out.add(ctx.urls().base(true, null, a.getPort()) + "/images/");
    }
    return out;
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
