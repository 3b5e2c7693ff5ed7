package org.airgap.appliance.cli;

import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.registry.storage.Fsck;
import org.airgap.registry.storage.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code airgap registry fsck [--repair]}: re-hash every blob, check every link and tag; exit 1
 * when problems remain.
 */
@Command(name = "fsck", description = "Re-hash every blob and check every link and tag.")
public final class RegistryFsckCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(
      names = "--repair",
      description = "Quarantine corrupt blobs; remove links and tags that point at nothing.")
  boolean repair;

  @Override
  public Integer call() throws Exception {
    AirgapConfig cfg = config.load();
    Fsck.Report r;
    try (Stores s = RegistryStorage.open(cfg)) {
      r = new Fsck(s.store()).run(repair);
    }
    int left = 0;
    for (Fsck.Problem p : r.problems()) {
      System.out.println(
          p.kind()
              + " "
              + p.subject()
              + ": "
              + p.detail()
              + p.repaired().map(x -> " [repaired: " + x + "]").orElse(""));
      if (p.repaired().isEmpty()) {
        left++;
      }
    }
    System.out.printf(
        "fsck: %d blob(s), %s re-hashed; %d problem(s), %d left%n",
        r.blobsChecked(), RegistryDuCommand.human(r.bytesChecked()), r.problems().size(), left);
    return left == 0 ? 0 : 1;
  }
}
