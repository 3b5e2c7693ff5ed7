package org.airgap.websrv.download;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One file to fetch.
 *
 * @param source an http or https URL (redirects are followed)
 * @param target where the verified file ends up; the partial download lives beside it as {@code
 *     .NAME.partial} (hidden, so the web server never serves it)
 * @param checksum the expected digest; without one the file is kept unverified
 */
public record DownloadRequest(URI source, Path target, Optional<Checksum> checksum) {
  public DownloadRequest {
    String scheme = source.getScheme() == null ? "" : source.getScheme();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(source + " is not an http or https URL");
    }
    if (target.getFileName() == null) {
      throw new IllegalArgumentException("target " + target + " has no file name");
    }
  }

  public static DownloadRequest of(URI source, Path target, Checksum checksum) {
    return new DownloadRequest(source, target, Optional.of(checksum));
  }

  /** The partial file beside the target. */
  public Path partial() {
    return target.resolveSibling("." + target.getFileName() + ".partial");
  }

  /** What the partial file was fetched from: URL and validators, for a resume with If-Range. */
  public Path partialMeta() {
    return target.resolveSibling("." + target.getFileName() + ".partial.meta");
  }
}
