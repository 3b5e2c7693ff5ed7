package org.airgap.appliance.cli;

import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.pki.Pki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code airgap ca}: prints the site CA in PEM (what goes into the registry-config and
 * user-ca-bundle config maps), creating it if the daemon never ran.
 */
@Command(name = "ca", description = "Print the site CA certificate (PEM).")
public final class CaCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    AirgapConfig cfg = config.load();
    Pki pki = new Pki(cfg.dataDir().resolve("pki"), cfg.site().domain()).init();
    System.out.print(pki.caPem());
    return 0;
  }
}
