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
 * @param credentials HTTP Basic credentials for the source's origin (scheme, host and port) only:
 *     sent with the first request, and never to another origin a redirect leads to
 */
public record DownloadRequest(
    URI source, Path target, Optional<Checksum> checksum, Optional<Credentials> credentials) {
  public DownloadRequest {
    String scheme = source.getScheme() == null ? "" : source.getScheme();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(source + " is not an http or https URL");
    }
    if (target.getFileName() == null) {
      throw new IllegalArgumentException("target " + target + " has no file name");
    }
    if (credentials.isPresent() && source.getRawUserInfo() != null) {
      throw new IllegalArgumentException("credentials given twice: in the URL and apart");
    }
  }

  /** Without credentials. */
  public DownloadRequest(URI source, Path target, Optional<Checksum> checksum) {
    this(source, target, checksum, Optional.empty());
  }

  public static DownloadRequest of(URI source, Path target, Checksum checksum) {
    return new DownloadRequest(source, target, Optional.of(checksum));
  }

  /** The same request, authenticated with HTTP Basic. */
  public DownloadRequest withCredentials(String user, String password) {
    return new DownloadRequest(
        source, target, checksum, Optional.of(new Credentials(user, password)));
  }

  /** The partial file beside the target. */
  public Path partial() {
    return target.resolveSibling("." + target.getFileName() + ".partial");
  }

  /** What the partial file was fetched from: URL and validators, for a resume with If-Range. */
  public Path partialMeta() {
    return target.resolveSibling("." + target.getFileName() + ".partial.meta");
  }

  /** A user name and password; {@link #toString} hides the password. */
  public record Credentials(String user, String password) {
    public Credentials {
      if (user.indexOf(':') >= 0) {
        throw new IllegalArgumentException("an HTTP Basic user name cannot contain ':'");
      }
    }

    @Override
    public String toString() {
      return "Credentials[user=" + user + ", password=***]";
    }
  }
}
