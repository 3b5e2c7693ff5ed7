package org.airgap.registry.mirror;

import java.util.List;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;

/**
 * Everything one image needs in its target: the manifests, children before their index and the
 * image's own manifest last, and its distinct blobs.
 *
 * @param source the reference as given (or a signature tag found for it)
 * @param repository the repository path in the source, which the target keeps under its prefix
 * @param digest the digest of the top manifest
 * @param tags the tags to set in the target (the source tag, or one derived from the digest)
 * @param manifests children first, the top manifest last
 * @param blobs config and layers of every image manifest, each digest once
 */
public record ImagePlan(
    String source,
    RepoName repository,
    Digest digest,
    List<Tag> tags,
    List<ManifestBlob> manifests,
    List<Descriptor> blobs) {
  public ImagePlan {
    tags = List.copyOf(tags);
    manifests = List.copyOf(manifests);
    blobs = List.copyOf(blobs);
  }

  public ManifestBlob top() {
    return manifests.get(manifests.size() - 1);
  }

  /** The bytes of all blobs. */
  public long blobBytes() {
    return blobs.stream().mapToLong(Descriptor::size).sum();
  }

  /** The tag an image given only by digest gets, so no registry GC takes it: {@code sha256-HEX}. */
  public static Tag derivedTag(Digest d) {
    String t = d.algorithm() + "-" + d.hex();
    return new Tag(t.length() > 128 ? t.substring(0, 128) : t);
  }

  /** Sigstore's (cosign's) signature tag for a digest: {@code sha256-HEX.sig}. */
  public static Tag signatureTag(Digest d) {
    return new Tag(d.algorithm() + "-" + d.hex() + ".sig");
  }
}
