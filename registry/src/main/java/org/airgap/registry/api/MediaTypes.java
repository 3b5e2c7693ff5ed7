package org.airgap.registry.api;

/** Media types the registry looks into. */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  public static final String OCTET_STREAM = "application/octet-stream";
  public static final String JSON = "application/json";

  private MediaTypes() {}

  /** Whether a manifest of this type lists child manifests (an index or manifest list). */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
  }

  public static boolean isImageManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  /** Layers that registries need not hold (their bytes live elsewhere). */
  public static boolean isNonDistributable(String mediaType) {
    return mediaType.contains(".nondistributable.") || DOCKER_FOREIGN_LAYER.equals(mediaType);
  }

  /** The media type without parameters, lowercased. */
  public static String base(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase();
  }
}
