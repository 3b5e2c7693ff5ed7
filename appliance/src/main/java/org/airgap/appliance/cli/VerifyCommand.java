package org.airgap.appliance.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code airgap verify FILE}: the same checks as {@code serve}, without starting anything. */
@Command(name = "verify", description = "Check a config file without starting anything.")
public final class VerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The config file to check.")
  Path file;

  @Override
  public Integer call() {
    ConfigLoader.load(file);
    System.out.println(file + ": OK");
    return 0;
  }
}
