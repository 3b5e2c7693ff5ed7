package org.airgap.appliance.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.websrv.download.Checksum;
import org.airgap.websrv.download.Downloader;
import org.airgap.websrv.images.CatalogEntry;
import org.airgap.websrv.images.CoreOsStream;
import org.airgap.websrv.images.ImageCatalog;
import org.airgap.websrv.images.RhcosImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code airgap images add FILE [--sha256 HEX] [--stream STREAM.json]}. */
@Command(
    name = "add",
    description = {
      "Import a file carried in on removable media into the served folder: verified when a",
      "checksum is given (or the stream lists it), with the stream's version and architecture."
    })
public final class ImagesAddCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Mixin ImagesCommand.FetchOptions fetch;

  @Parameters(paramLabel = "FILE", description = "The ISO, rootfs or other file to import.")
  Path file;

  @Option(names = "--sha256", paramLabel = "HEX", description = "Expected SHA-256.")
  String sha256;

  @Option(
      names = "--stream",
      paramLabel = "STREAM",
      description = "Stream JSON (file or URL) that lists this file.")
  String stream;

  @Option(names = "--openshift-version", paramLabel = "X.Y", description = "OpenShift version.")
  String openshiftVersion;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + " is not a file");
    }
    AirgapConfig cfg = config.load();
    Optional<Checksum> expected = Optional.ofNullable(sha256).map(Checksum::sha256);
    Optional<String> ocp = ImagesCommand.validOpenshiftVersion(openshiftVersion);
    ImageCatalog catalog = new ImageCatalog(ImagesCommand.imagesDir(cfg));
    try (Downloader d = fetch.downloader()) {
      RhcosImages rhcos = new RhcosImages(catalog, d);
      Optional<CoreOsStream> s = Optional.ofNullable(stream).map(rhcos::loadStream);
      CatalogEntry e = rhcos.add(file, expected, s, ocp);
      System.err.println(
          e.file()
              + ": imported"
              + e.sha256().map(c -> ", verified " + c).orElse(" (not verified: no checksum)")
              + e.version().map(v -> ", RHCOS " + v).orElse("")
              + e.architecture().map(a -> " " + a).orElse(""));
    }
    System.out.print(ImagesListCommand.render(cfg, catalog));
    return 0;
  }
}
