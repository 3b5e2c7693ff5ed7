package org.airgap.appliance.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code airgap registry …}: pull secrets and maintenance of the registry. */
@Command(name = "registry", description = "Registry pull secrets and maintenance.")
public final class RegistryCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    System.err.println("airgap registry: not implemented yet");
    return 2;
  }
}
