package org.airgap.appliance.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code airgap registry …}: pull secrets and (later) maintenance of the registry. */
@Command(
    name = "registry",
    description = "Registry pull secrets, gc, fsck and du.",
    subcommands = {
      RegistryPullSecretCommand.class,
      RegistryGcCommand.class,
      RegistryFsckCommand.class,
      RegistryDuCommand.class
    })
public final class RegistryCommand implements Runnable {
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }
}
