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
    subcommands = {ClusterCommand.Render.class, ClusterCommand.Validate.class})
public final class ClusterCommand implements Runnable {
  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
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
