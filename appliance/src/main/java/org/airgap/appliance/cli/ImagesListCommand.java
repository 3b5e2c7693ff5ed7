package org.airgap.appliance.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.websrv.images.CatalogEntry;
import org.airgap.websrv.images.ImageCatalog;
import org.airgap.websrv.images.ImageKind;
import org.airgap.websrv.images.OsImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code airgap images list}: what is served, and the osImages entries to paste. */
@Command(
    name = "list",
    description = {
      "List the served images and print the AgentServiceConfig spec.osImages entries,",
      "with URLs built from site.hostname (or websrv.advertise). The output is YAML."
    })
public final class ImagesListCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    AirgapConfig cfg = config.load();
    System.out.print(render(cfg, new ImageCatalog(ImagesCommand.imagesDir(cfg))));
    return 0;
  }

  /** The served files as YAML comments, then the {@code osImages:} list. */
  static String render(AirgapConfig cfg, ImageCatalog catalog) {
    StringBuilder b = new StringBuilder();
    String base = ImagesCommand.imagesUrl(cfg);
    b.append("# served from ")
        .append(catalog.imagesDir().toAbsolutePath().normalize())
        .append(" at ")
        .append(base)
        .append('\n');
    List<CatalogEntry> entries = catalog.entries();
    List<String> unknown = catalog.unrecorded();
    if (entries.isEmpty() && unknown.isEmpty()) {
      b.append("# (no images yet: airgap images fetch --stream STREAM.json)\n");
    }
    for (CatalogEntry e : entries) {
      b.append(
          String.format(
              "# %-60s %-6s %-8s %-24s %10s %s%n",
              e.file(),
              e.kind() == ImageKind.ISO ? "iso" : e.kind() == ImageKind.ROOTFS ? "rootfs" : "other",
              e.architecture().orElse("-"),
              e.version().orElse("-"),
              ImagesProgress.bytes(e.size()),
              e.sha256().isPresent() ? "verified" : "unverified"));
    }
    for (String f : unknown) {
      b.append(String.format("# %-60s (not imported: airgap images add)%n", f));
    }
    List<OsImage> os = catalog.osImages();
    if (os.isEmpty()) {
      b.append("osImages: []   # needs a live ISO and a rootfs of one release\n");
      return b.toString();
    }
    b.append("osImages:\n");
    for (OsImage o : os) {
      b.append("- cpuArchitecture: ").append(o.cpuArchitecture()).append('\n');
      b.append("  openshiftVersion: \"").append(o.openshiftVersion()).append("\"\n");
      b.append("  rootFSUrl: ")
          .append(base)
          .append(ImagesCommand.urlSegment(o.rootfsFile()))
          .append('\n');
      b.append("  url: ").append(base).append(ImagesCommand.urlSegment(o.isoFile())).append('\n');
      b.append("  version: \"").append(o.version()).append("\"\n");
    }
    return b.toString();
  }
}
