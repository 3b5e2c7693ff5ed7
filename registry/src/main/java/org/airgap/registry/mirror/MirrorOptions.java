package org.airgap.registry.mirror;

import java.util.Set;

/**
 * What a run does beyond its images and target.
 *
 * @param platforms the platforms of an index to copy (empty: all); the index itself goes as is
 * @param parallelImages images in flight at once
 * @param parallelBlobs blob copies in flight at once, over all images
 * @param signatures whether to copy sigstore signature tags ({@code sha256-HEX.sig})
 * @param dryRun plan and compare only: list what would move and how much, write nothing
 * @param archiveChunkSize the largest tar chunk of a disk archive
 */
public record MirrorOptions(
    Set<Platform> platforms,
    int parallelImages,
    int parallelBlobs,
    boolean signatures,
    boolean dryRun,
    long archiveChunkSize) {
  public MirrorOptions {
    platforms = Set.copyOf(platforms);
    if (parallelImages < 1 || parallelBlobs < 1) {
      throw new MirrorException(MirrorException.Kind.USAGE, "parallelism must be at least 1");
    }
    if (archiveChunkSize < DiskArchive.MIN_CHUNK) {
      throw new MirrorException(
          MirrorException.Kind.USAGE,
          "archive chunks must be at least " + Sizes.human(DiskArchive.MIN_CHUNK));
    }
  }

  /** All platforms, 4 images and 8 blobs at once, signatures, 4 GiB chunks. */
  public static MirrorOptions defaults() {
    return new MirrorOptions(Set.of(), 4, 8, true, false, 4L << 30);
  }

  public MirrorOptions withPlatforms(Set<Platform> p) {
    return new MirrorOptions(
        p, parallelImages, parallelBlobs, signatures, dryRun, archiveChunkSize);
  }

  public MirrorOptions withParallelism(int images, int blobs) {
    return new MirrorOptions(platforms, images, blobs, signatures, dryRun, archiveChunkSize);
  }

  public MirrorOptions withDryRun(boolean d) {
    return new MirrorOptions(
        platforms, parallelImages, parallelBlobs, signatures, d, archiveChunkSize);
  }

  public MirrorOptions withArchiveChunkSize(long bytes) {
    return new MirrorOptions(platforms, parallelImages, parallelBlobs, signatures, dryRun, bytes);
  }

  public MirrorOptions withSignatures(boolean s) {
    return new MirrorOptions(platforms, parallelImages, parallelBlobs, s, dryRun, archiveChunkSize);
  }
}
