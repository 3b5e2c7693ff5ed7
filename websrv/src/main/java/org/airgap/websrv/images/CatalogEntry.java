package org.airgap.websrv.images;

import java.util.Optional;
import org.airgap.websrv.download.Checksum;

/**
 * What airgap knows about one file in the images folder.
 *
 * @param file its name in the folder
 * @param kind live ISO, PXE rootfs or other
 * @param architecture the stream's architecture name, when known
 * @param version the RHCOS release, when known
 * @param openshiftVersion the OpenShift {@code X.Y}, when known
 * @param sha256 the verified digest, when one was checked
 * @param size the file's length
 * @param source where it came from: a URL, or the path it was imported from
 */
public record CatalogEntry(
    String file,
    ImageKind kind,
    Optional<String> architecture,
    Optional<String> version,
    Optional<String> openshiftVersion,
    Optional<Checksum> sha256,
    long size,
    String source) {

  public CatalogEntry {
    if (file.isEmpty() || file.contains("/") || file.startsWith(".")) {
      throw new IllegalArgumentException("'" + file + "' is not a plain visible file name");
    }
  }
}
