package org.airgap.appliance.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code airgap images …}: fetch, import and list the RHCOS artifacts the web server serves. */
@Command(name = "images", description = "Fetch, import and list RHCOS images.")
public final class ImagesCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    System.err.println("airgap images: not implemented yet");
    return 2;
  }
}
