package org.airgap.websrv.images;

/** What a served image is for. */
public enum ImageKind {
  /** The live ISO ({@code osImages[].url}). */
  ISO,
  /** The PXE rootfs ({@code osImages[].rootFSUrl}). */
  ROOTFS,
  /** Anything else put in the images folder. */
  OTHER
}
