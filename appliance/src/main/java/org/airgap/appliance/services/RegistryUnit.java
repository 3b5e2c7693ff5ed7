package org.airgap.appliance.services;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.config.RegistrySection;
import org.airgap.registry.RegistryConfig;
import org.airgap.registry.RegistryServer;
import org.airgap.registry.auth.Htpasswd;

/** The OCI registry, wired from {@code registry:}. */
public final class RegistryUnit implements ManagedService {
  private final ApplianceContext ctx;
  private final RegistryServer server;

  public RegistryUnit(ApplianceContext ctx) {
    this.ctx = ctx;
    RegistrySection s = ctx.config().registry();
    Htpasswd users = s.htpasswd() == null ? ctx.users() : new Htpasswd(s.htpasswd());
    this.server =
        new RegistryServer(
            new RegistryConfig(
                s.listen().stream().map(ListenAddress::socketAddress).toList(),
                ctx.tls("registry", s.tls()),
                ctx.dataDir().resolve("registry"),
                s.anonymousPull(),
                s.upkeep(),
                s3(s)),
            users);
  }

  private static java.util.Optional<org.airgap.registry.storage.s3.S3Settings> s3(
      RegistrySection s) {
    try {
      return s.s3Settings();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("registry.storage.s3: " + e.getMessage(), e);
    }
  }

  /** The repositories this registry serves, once started. */
  public java.util.Optional<org.airgap.registry.storage.RepositoryStore> store() {
    return server.store();
  }

  /** Empty when the registry's storage answers; else why not (its S3 endpoint is down). */
  @Override
  public java.util.Optional<String> notReady() {
    return server.storageProblem();
  }

  @Override
  public String name() {
    return "registry";
  }

  @Override
  public void start() {
    server.start();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return server.addresses();
  }

  /** {@code host:port} as it goes into pull secrets, IDMS and registries.conf. */
  public String hostPort() {
    return ctx.urls().hostPort(ctx.config().registry().advertise(), addresses().get(0).getPort());
  }

  @Override
  public List<String> urls() {
    RegistrySection s = ctx.config().registry();
    int port = addresses().get(0).getPort();
    return List.of(ctx.urls().base(s.tls(), s.advertise(), port) + "/v2/");
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
