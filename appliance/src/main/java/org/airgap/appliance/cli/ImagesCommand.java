package org.airgap.appliance.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.Urls;
import org.airgap.websrv.download.DownloadOptions;
import org.airgap.websrv.download.Downloader;
import org.airgap.websrv.download.Tls;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code airgap images fetch|add|list}: the RHCOS artifacts the web server serves. */
@Command(
    name = "images",
    description = "Fetch, import and list the RHCOS images the web server serves.",
    subcommands = {ImagesFetchCommand.class, ImagesAddCommand.class, ImagesListCommand.class})
public final class ImagesCommand implements Runnable {
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** The served images folder: {@code <websrv.root>/images}. */
  static Path imagesDir(AirgapConfig cfg) {
    return cfg.websrvRoot().resolve("images");
  }

  /**
   * The base URL of the images folder as the clusters see it: from {@code websrv.advertise} or
   * {@code site.hostname} and the first listen port, built by {@link Urls}.
   */
  static String imagesUrl(AirgapConfig cfg) {
    int port = cfg.websrv().listen().isEmpty() ? 8080 : cfg.websrv().listen().get(0).port();
    return new Urls(cfg.site()).base(false, cfg.websrv().advertise(), port) + "/images/";
  }

  /** Options of the commands that download: trust and retries. */
  static final class FetchOptions {
    @Option(
        names = "--ca-file",
        paramLabel = "PEM",
        description = "Trust only these CA certificates for HTTPS (default: the JDK's).")
    Path caFile;

    @Option(
        names = "--insecure",
        description = "Do not verify HTTPS certificates (checksums are still verified).")
    boolean insecure;

    @Option(
        names = "--retries",
        paramLabel = "N",
        defaultValue = "5",
        description =
            "Attempts per file, resumed where the last stopped (default: ${DEFAULT-VALUE}).")
    int retries;

    Downloader downloader() {
      DownloadOptions o = DownloadOptions.defaults();
      o = o.withAttempts(retries, o.initialBackoff(), o.maxBackoff());
      if (caFile != null) {
        o = o.withTrust(Tls.trusting(caFile));
      }
      if (insecure) {
        o = o.withoutTlsVerification();
      }
      return new Downloader(o);
    }
  }

  /** Percent-encodes a file name for a URL path segment. */
  static String urlSegment(String name) {
    StringBuilder b = new StringBuilder();
    for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    return b.toString();
  }

  static Optional<String> validOpenshiftVersion(String v) {
    if (v == null) {
      return Optional.empty();
    }
    if (!v.matches("\\d+\\.\\d+")) {
      throw new IllegalArgumentException(
          "--openshift-version '" + v + "' is not X.Y (for example 4.14)");
    }
    return Optional.of(v);
  }
}
