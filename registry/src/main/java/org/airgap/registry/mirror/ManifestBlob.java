package org.airgap.registry.mirror;

import org.airgap.registry.api.Digest;

/** A manifest as fetched: its digest (verified), media type and exact bytes. */
public record ManifestBlob(Digest digest, String mediaType, byte[] bytes) {
  public ManifestBlob {
    Digest actual = digest.recompute(bytes);
    if (!actual.equals(digest)) {
      throw new MirrorException(
          MirrorException.Kind.CORRUPT,
          "manifest " + digest + " has bytes whose digest is " + actual);
    }
  }
}
