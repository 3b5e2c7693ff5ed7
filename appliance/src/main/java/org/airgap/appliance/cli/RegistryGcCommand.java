package org.airgap.appliance.cli;

import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.registry.storage.GarbageCollector;
import org.airgap.registry.storage.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code airgap registry gc [--dry-run] [--delete-untagged]}: online garbage collection of {@code
 * <data-dir>/registry}, safe while the daemon serves (see the registry's GarbageCollector).
 */
@Command(
    name = "gc",
    description = "Delete unreferenced blobs (online, safe while the registry serves).")
public final class RegistryGcCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--dry-run", description = "Report what would be deleted; delete nothing.")
  boolean dryRun;

  @Option(
      names = "--delete-untagged",
      description = "Also remove manifests no tag reaches (kept by default: nodes pull by digest).")
  boolean deleteUntagged;

  @Override
  public Integer call() throws Exception {
    AirgapConfig cfg = config.load();
    GarbageCollector.Report r;
    try (Stores s = RegistryStorage.open(cfg)) {
      r =
          new GarbageCollector(s.store())
              .run(
                  new GarbageCollector.Options(
                      dryRun, deleteUntagged, cfg.registry().upkeep().gcGrace()));
    }
    String verb = dryRun ? "would delete" : "deleted";
    r.untaggedManifests().forEach(m -> System.out.println(verb + " manifest " + m));
    r.deletedBlobs().forEach(b -> System.out.println(verb + " blob " + b));
    System.out.printf(
        "gc%s: %s %d blob(s), %s, %d untagged manifest(s); kept %d blob(s), %s"
            + " (%d younger than the grace period); %d ms%n",
        dryRun ? " (dry run)" : "",
        verb,
        r.deletedBlobs().size(),
        RegistryDuCommand.human(r.bytesFreed()),
        r.untaggedManifests().size(),
        r.blobsKept(),
        RegistryDuCommand.human(r.bytesKept()),
        r.tooYoung(),
        r.millis());
    return 0;
  }
}
