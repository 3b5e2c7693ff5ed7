package org.airgap.appliance.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.airgap.appliance.cluster.Finding;
import org.airgap.appliance.cluster.ManifestValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code airgap cluster …}: the control module's commands. */
@Command(
    name = "cluster",
    description = "Render, validate and apply the cluster phases.",
    subcommands = {
      ClusterCommand.Render.class,
      ClusterCommand.Validate.class,
      ClusterCommand.Apply.class,
      ClusterCommand.Status.class,
      ClusterCommand.Kubeconfig.class,
      ClusterCommand.PreflightCheck.class
    })
public final class ClusterCommand implements Runnable {
  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  /** A client for the hub from {@code cluster.hub.kubeconfig} (the JDK HTTP client). */
  static io.fabric8.kubernetes.client.KubernetesClient hubClient(
      org.airgap.appliance.config.AirgapConfig cfg) throws java.io.IOException {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(
            io.fabric8.kubernetes.client.Config.fromKubeconfig(
                Files.readString(cfg.cluster().hub().kubeconfig())))
        .build();
  }

  /** {@code airgap cluster render [--config F] DIR}. */
  @Command(
      name = "render",
      description =
          "Write every manifest of the site spec (cluster:) into DIR, one file per phase in apply"
              + " order, plus registries.conf, the forcedns dispatcher and dnsmasq records;"
              + " then validate them.")
  public static final class Render implements Callable<Integer> {
    @picocli.CommandLine.Mixin ConfigOption config;

    @Parameters(paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
      org.airgap.appliance.config.AirgapConfig cfg = config.load();
      if (cfg.cluster().hosted().isEmpty()) {
        throw new IllegalArgumentException(
            "no hosted clusters in the config: add cluster.hosted (see airgap.example.yaml)");
      }
      org.airgap.appliance.cluster.SiteFacts facts =
          org.airgap.appliance.cluster.SiteFacts.gather(cfg);
      var files = new org.airgap.appliance.cluster.ClusterRenderer(cfg, facts).render();
      org.airgap.appliance.cluster.ClusterRenderer.write(dir, files);
      files.forEach(f -> System.out.println(dir.resolve(f.file())));
      if (facts.osImages().isEmpty()) {
        System.err.println(
            "warning: the web server serves no RHCOS images yet: airgap images fetch|add, then render again");
      }
      List<Finding> findings = ManifestValidator.validate(dir);
      findings.forEach(System.err::println);
      return findings.isEmpty() ? 0 : 1;
    }
  }

  /** {@code airgap cluster apply [--phase P] [--dry-run]}. */
  @Command(
      name = "apply",
      description =
          "Render, validate and apply the phases trust, mirror, mce, hosted, infraenv, workers,"
              + " scale to the hub (cluster.hub.kubeconfig), waiting for each; the workers phase"
              + " first defines the worker VMs on redfish.libvirt-uri.")
  public static final class Apply implements Callable<Integer> {
    @picocli.CommandLine.Mixin ConfigOption config;

    @picocli.CommandLine.Option(
        names = "--phase",
        paramLabel = "P",
        description = "Run only phase P.")
    String phase;

    @picocli.CommandLine.Option(
        names = "--dry-run",
        description = "Render, validate and show what would change; send no write.")
    boolean dryRun;

    @picocli.CommandLine.Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "3600",
        description = "How long each wait may take (default ${DEFAULT-VALUE}).")
    long timeout;

    @Override
    public Integer call() throws Exception {
      org.airgap.appliance.config.AirgapConfig cfg = config.load();
      if (cfg.cluster().hosted().isEmpty()) {
        throw new IllegalArgumentException("no hosted clusters in the config (cluster.hosted)");
      }
      if (cfg.cluster().hub().kubeconfig() == null) {
        throw new IllegalArgumentException("cluster.hub.kubeconfig is not set");
      }
      var files =
          new org.airgap.appliance.cluster.ClusterRenderer(
                  cfg, org.airgap.appliance.cluster.SiteFacts.gather(cfg))
              .render();
      Path tmp = Files.createTempDirectory("airgap-render");
      org.airgap.appliance.cluster.ClusterRenderer.write(tmp, files);
      List<Finding> findings = ManifestValidator.validate(tmp);
      if (!findings.isEmpty()) {
        findings.forEach(System.err::println);
        return 1;
      }
      try (io.fabric8.kubernetes.client.KubernetesClient hub = hubClient(cfg)) {
        new org.airgap.appliance.cluster.ClusterApplier(
                hub,
                files,
                cfg.cluster(),
                cfg.dataDir().resolve("state/cluster.json"),
                System.out,
                new org.airgap.appliance.cluster.WorkerVms(cfg)::ensure)
            .apply(
                new org.airgap.appliance.cluster.ClusterApplier.Options(
                    java.util.Optional.ofNullable(phase)
                        .map(org.airgap.appliance.cluster.ClusterApplier.Phase::parse),
                    dryRun,
                    java.time.Duration.ofSeconds(timeout),
                    java.time.Duration.ofSeconds(5)));
      }
      return 0;
    }
  }

  /** {@code airgap cluster status}. */
  @Command(
      name = "status",
      description =
          "Per phase: applied or pending, and each object on the hub with its conditions, a"
              + " BareMetalHost's provisioning state and power, a NodePool's replicas.")
  public static final class Status implements Callable<Integer> {
    @picocli.CommandLine.Mixin ConfigOption config;

    @Override
    public Integer call() throws Exception {
      org.airgap.appliance.config.AirgapConfig cfg = config.load();
      if (cfg.cluster().hosted().isEmpty() || cfg.cluster().hub().kubeconfig() == null) {
        throw new IllegalArgumentException(
            "no site spec with cluster.hub.kubeconfig in the config");
      }
      var files =
          new org.airgap.appliance.cluster.ClusterRenderer(
                  cfg, org.airgap.appliance.cluster.SiteFacts.gather(cfg))
              .render();
      try (io.fabric8.kubernetes.client.KubernetesClient hub = hubClient(cfg)) {
        new org.airgap.appliance.cluster.ClusterApplier(
                hub, files, cfg.cluster(), cfg.dataDir().resolve("state/cluster.json"), System.out)
            .status();
      }
      return 0;
    }
  }

  /** {@code airgap cluster kubeconfig NAME [-o FILE]}. */
  @Command(name = "kubeconfig", description = "Write a hosted cluster's admin kubeconfig (0600).")
  public static final class Kubeconfig implements Callable<Integer> {
    @picocli.CommandLine.Mixin ConfigOption config;

    @Parameters(paramLabel = "NAME")
    String name;

    @picocli.CommandLine.Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Where to write it (default: NAME.kubeconfig).")
    Path output;

    @Override
    public Integer call() throws Exception {
      org.airgap.appliance.config.AirgapConfig cfg = config.load();
      if (cfg.cluster().hub().kubeconfig() == null) {
        throw new IllegalArgumentException("cluster.hub.kubeconfig is not set");
      }
      Path out = output != null ? output : Path.of(name + ".kubeconfig");
      try (io.fabric8.kubernetes.client.KubernetesClient hub = hubClient(cfg)) {
        byte[] bytes =
            new org.airgap.appliance.cluster.ClusterApplier(
                    hub, List.of(), cfg.cluster(), null, System.out)
                .kubeconfig(name);
        org.airgap.websrv.io.AtomicFiles.write(
            out, bytes, org.airgap.websrv.io.AtomicFiles.PRIVATE);
      }
      System.err.println("wrote " + out);
      return 0;
    }
  }

  /** {@code airgap cluster preflight}. */
  @Command(
      name = "preflight",
      description =
          "Prove the running site serves what the cluster will ask for: release, RHCOS images,"
              + " DNS names, BMCs, certificates, pull secret, hub. Exit 1 if anything fails.")
  public static final class PreflightCheck implements Callable<Integer> {
    @picocli.CommandLine.Mixin ConfigOption config;

    @Override
    public Integer call() throws Exception {
      org.airgap.appliance.config.AirgapConfig cfg = config.load();
      if (cfg.cluster().hosted().isEmpty()) {
        throw new IllegalArgumentException("no hosted clusters in the config (cluster.hosted)");
      }
      var facts = org.airgap.appliance.cluster.SiteFacts.gather(cfg);
      var pki =
          new org.airgap.appliance.pki.Pki(cfg.dataDir().resolve("pki"), cfg.site().domain())
              .init();
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", pki.ca());
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      java.net.http.HttpClient http =
          java.net.http.HttpClient.newBuilder()
              .sslContext(ssl)
              .connectTimeout(java.time.Duration.ofSeconds(5))
              .build();
      io.fabric8.kubernetes.client.KubernetesClient hub = null;
      try {
        if (cfg.cluster().hub().kubeconfig() != null) {
          hub = hubClient(cfg);
        }
        var checks =
            new org.airgap.appliance.cluster.Preflight(
                    cfg,
                    org.airgap.appliance.cluster.Preflight.Endpoints.fromConfig(cfg),
                    facts,
                    java.util.Optional.ofNullable(hub),
                    http)
                .run();
        checks.forEach(System.out::println);
        return org.airgap.appliance.cluster.Preflight.passed(checks) ? 0 : 1;
      } finally {
        if (hub != null) {
          hub.close();
        }
      }
    }
  }

  /** {@code airgap cluster validate DIR}. */
  @Command(
      name = "validate",
      description =
          "Check a directory of manifests offline: schemas of every kind, and rules across objects"
              + " (references, release by digest, CA, registries.conf, URLs, MACs). Exit 1 on any error.")
  public static final class Validate implements Callable<Integer> {
    @Parameters(paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(dir + " is not a directory");
      }
      List<Finding> findings = ManifestValidator.validate(dir);
      findings.forEach(System.out::println);
      System.out.println(
          findings.isEmpty() ? dir + ": OK" : findings.size() + " problem(s) in " + dir);
      return findings.isEmpty() ? 0 : 1;
    }
  }
}
