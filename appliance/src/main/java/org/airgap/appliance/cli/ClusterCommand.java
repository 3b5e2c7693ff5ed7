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
    subcommands = {ClusterCommand.Validate.class})
public final class ClusterCommand implements Runnable {
  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
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
