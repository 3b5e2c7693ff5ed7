package org.airgap.appliance.cli;

import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.registry.storage.DiskUsage;
import org.airgap.registry.storage.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code airgap registry du}: space per repository and what a GC would free. */
@Command(name = "du", description = "Space per repository and what a gc would free.")
public final class RegistryDuCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    AirgapConfig cfg = config.load();
    DiskUsage.Report r;
    try (Stores s = RegistryStorage.open(cfg)) {
      r = new DiskUsage(s.store()).run(cfg.registry().upkeep().gcGrace(), false);
    }
    System.out.printf("%-50s %8s %12s %12s%n", "REPOSITORY", "BLOBS", "SIZE", "EXCLUSIVE");
    for (DiskUsage.Repo repo : r.repositories()) {
      System.out.printf(
          "%-50s %8d %12s %12s%n",
          repo.name(), repo.blobs(), human(repo.bytes()), human(repo.exclusiveBytes()));
    }
    System.out.printf(
        "total: %d blob(s), %s stored; gc would free %s in %d blob(s)%n",
        r.storedBlobs(), human(r.storedBytes()), human(r.gcWouldFree()), r.gcBlobs());
    return 0;
  }

  /** 1536 → "1.5 KiB". */
  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
