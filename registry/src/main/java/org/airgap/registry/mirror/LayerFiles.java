package org.airgap.registry.mirror;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the files of an image layer as a stream: a tar, gzip-compressed or not (told apart by the
 * gzip magic bytes, whatever the media type says); zstd layers are refused with a clear message.
 */
final class LayerFiles {
  private LayerFiles() {}

  /** Receives one entry; returns false to stop reading the layer. */
  @FunctionalInterface
  interface Visitor {
    boolean visit(String path, TarArchiveEntry entry, InputStream content) throws IOException;
  }

  /** A tar path as a relative path without {@code ./} or a leading slash. */
  static String normalize(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.startsWith("./") ? n.substring(2) : n.substring(1);
    }
    return n;
  }

  /** Walks the layer's entries; {@code where} names the layer in errors. */
  static void read(InputStream layer, String where, Visitor visitor) {
    try (InputStream raw = new BufferedInputStream(layer, 65536)) {
      raw.mark(4);
      int b0 = raw.read();
      int b1 = raw.read();
      int b2 = raw.read();
      int b3 = raw.read();
      raw.reset();
      InputStream tar;
      if (b0 == 0x1f && b1 == 0x8b) {
        tar = new GZIPInputStream(raw, 65536);
      } else if (b0 == 0x28 && b1 == 0xb5 && b2 == 0x2f && b3 == 0xfd) {
        throw new MirrorException(
            MirrorException.Kind.PROTOCOL, where + ": zstd-compressed layers are not supported");
      } else {
        tar = raw;
      }
      try (TarArchiveInputStream t = new TarArchiveInputStream(tar)) {
        TarArchiveEntry e;
        while ((e = t.getNextEntry()) != null) {
          if (!visitor.visit(normalize(e.getName()), e, t)) {
            return;
          }
        }
      }
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.CORRUPT, where + ": not a readable layer: " + e.getMessage(), e);
    }
  }
}
