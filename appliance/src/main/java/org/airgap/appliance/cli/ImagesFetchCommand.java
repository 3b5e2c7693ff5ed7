package org.airgap.appliance.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.websrv.download.DownloadException;
import org.airgap.websrv.download.Downloader;
import org.airgap.websrv.images.CoreOsStream;
import org.airgap.websrv.images.ImageCatalog;
import org.airgap.websrv.images.MetalImages;
import org.airgap.websrv.images.RhcosImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code airgap images fetch --stream STREAM.json [--arch x86_64]}. */
@Command(
    name = "fetch",
    description = {
      "Download the metal live ISO and PXE rootfs of a CoreOS stream into the served folder,",
      "verified against the stream's sha256 and resumed after an interruption.",
      "STREAM is what 'openshift-install coreos print-stream-json' prints: a file or a URL."
    })
public final class ImagesFetchCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Mixin ImagesCommand.FetchOptions fetch;

  @Option(names = "--stream", required = true, paramLabel = "STREAM", description = "Stream JSON.")
  String stream;

  @Option(
      names = "--arch",
      paramLabel = "ARCH",
      defaultValue = "x86_64",
      description = "Architecture in the stream (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(
      names = "--openshift-version",
      paramLabel = "X.Y",
      description = "OpenShift version for osImages (default: from the stream name).")
  String openshiftVersion;

  @Override
  public Integer call() {
    AirgapConfig cfg = config.load();
    Optional<String> ocp = ImagesCommand.validOpenshiftVersion(openshiftVersion);
    Path images = ImagesCommand.imagesDir(cfg);
    ImageCatalog catalog = new ImageCatalog(images);
    try (Downloader d = fetch.downloader()) {
      RhcosImages rhcos = new RhcosImages(catalog, d);
      CoreOsStream s = rhcos.loadStream(stream);
      MetalImages m = s.metal(arch);
      if (ocp.isEmpty() && m.openshiftVersion().isEmpty()) {
        throw new IllegalArgumentException(
            "the stream does not tell the OpenShift version of "
                + m.release()
                + ": pass --openshift-version X.Y");
      }
      List<RhcosImages.Fetched> got = rhcos.fetch(m, ocp, ImagesProgress::forStderr);
      for (RhcosImages.Fetched f : got) {
        if (f.alreadyThere()) {
          System.err.println(f.entry().file() + ": already there, verified earlier");
        }
      }
    } catch (DownloadException e) {
      System.err.println("airgap: " + e.getMessage());
      return 1;
    }
    System.out.print(ImagesListCommand.render(cfg, catalog));
    return 0;
  }
}
