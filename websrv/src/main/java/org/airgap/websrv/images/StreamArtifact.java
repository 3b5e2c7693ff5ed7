package org.airgap.websrv.images;

import java.net.URI;
import org.airgap.websrv.download.Checksum;

/** One downloadable file of a CoreOS stream: where it is and its SHA-256. */
public record StreamArtifact(URI location, Checksum sha256) {
  /** The last path segment of the location: the name it is served under. */
  public String fileName() {
    String path = location.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.isEmpty() || name.startsWith(".")) {
      throw new IllegalArgumentException(location + " has no usable file name");
    }
    return name;
  }
}
