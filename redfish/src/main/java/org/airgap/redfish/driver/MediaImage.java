package org.airgap.redfish.driver;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * An image inserted as virtual CD: its URL (http or https), whether it is write protected, and the
 * credentials to fetch it, if any. {@link #toString} hides the password.
 */
public record MediaImage(
    URI image, boolean writeProtected, Optional<String> user, Optional<String> password) {

  public MediaImage {
    String scheme = image.getScheme() == null ? "" : image.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || image.getHost() == null) {
      throw new IllegalArgumentException("'" + image + "' is not an absolute http(s) URL");
    }
  }

  public static MediaImage of(String url) {
    return new MediaImage(URI.create(url), true, Optional.empty(), Optional.empty());
  }

  /** {@code HTTP} or {@code HTTPS}, the Redfish {@code TransferProtocolType}. */
  public String protocol() {
    return image.getScheme().toUpperCase(Locale.ROOT);
  }

  /** The last path segment of the URL ({@code ImageName}). */
  public String name() {
    String p = image.getPath() == null ? "" : image.getPath();
    return p.substring(p.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return "MediaImage["
        + image
        + (writeProtected ? ", ro" : ", rw")
        + user.map(u -> ", user=" + u).orElse("")
        + "]";
  }
}
