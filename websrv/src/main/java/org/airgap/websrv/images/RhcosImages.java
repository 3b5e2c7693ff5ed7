package org.airgap.websrv.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.airgap.websrv.download.Checksum;
import org.airgap.websrv.download.DownloadException;
import org.airgap.websrv.download.DownloadListener;
import org.airgap.websrv.download.DownloadRequest;
import org.airgap.websrv.download.Downloader;
import org.airgap.websrv.io.AtomicFiles;

/**
 * Puts RHCOS boot images into the served images folder: fetched from a CoreOS stream, or imported
 * from removable media, verified either way, and recorded in the {@link ImageCatalog}.
 */
public final class RhcosImages {
  private final ImageCatalog catalog;
  private final Downloader downloader;

  public RhcosImages(ImageCatalog catalog, Downloader downloader) {
    this.catalog = catalog;
    this.downloader = downloader;
  }

  /** What {@link #fetch} did for one artifact. */
  public record Fetched(CatalogEntry entry, boolean alreadyThere) {}

  /**
   * Loads a stream document from a file path or an http(s) URL (fetched with the downloader into a
   * temp folder).
   */
  public CoreOsStream loadStream(String fileOrUrl) {
    try {
      if (fileOrUrl.startsWith("http://") || fileOrUrl.startsWith("https://")) {
        Path tmp = Files.createTempDirectory("airgap-stream");
        try {
          Path f = tmp.resolve("stream.json");
          downloader.download(
              new DownloadRequest(URI.create(fileOrUrl), f, Optional.empty()),
              DownloadListener.NONE);
          return CoreOsStream.parse(Files.readAllBytes(f));
        } finally {
          try (var s = Files.list(tmp)) {
            for (Path p : s.toList()) {
              Files.deleteIfExists(p);
            }
          }
          Files.deleteIfExists(tmp);
        }
      }
      return CoreOsStream.parse(Files.readAllBytes(Path.of(fileOrUrl)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read stream " + fileOrUrl + ": " + e.getMessage(), e);
    }
  }

  /**
   * Downloads the live ISO and the rootfs of {@code images} into the folder, each verified against
   * the stream's SHA-256 and resumable; a file already there with the recorded digest is kept.
   *
   * @param openshiftVersion overrides the X.Y derived from the stream
   * @param listenerFor a listener per file name (progress bars)
   * @throws DownloadException when a file cannot be fetched or verified (nothing is kept of it)
   */
  public List<Fetched> fetch(
      MetalImages images,
      Optional<String> openshiftVersion,
      java.util.function.Function<String, DownloadListener> listenerFor) {
    Optional<String> ocp = openshiftVersion.or(images::openshiftVersion);
    List<Fetched> out = new ArrayList<>();
    for (ImageKind kind : List.of(ImageKind.ISO, ImageKind.ROOTFS)) {
      StreamArtifact a = kind == ImageKind.ISO ? images.iso() : images.rootfs();
      String name = a.fileName();
      Path target = catalog.imagesDir().resolve(name);
      Optional<CatalogEntry> known = catalog.find(name);
      if (known.isPresent() && known.get().sha256().equals(Optional.of(a.sha256()))) {
        CatalogEntry e =
            entry(name, kind, images, ocp, a.sha256(), known.get().size(), a.location().toString());
        catalog.put(e);
        out.add(new Fetched(e, true));
        continue;
      }
      var result =
          downloader.download(
              DownloadRequest.of(a.location(), target, a.sha256()), listenerFor.apply(name));
      CatalogEntry e =
          entry(name, kind, images, ocp, result.sha256(), result.size(), a.location().toString());
      catalog.put(e);
      out.add(new Fetched(e, false));
    }
    return out;
  }

  /**
   * Imports a file carried in on removable media: copied into the folder under its own name while
   * hashed, verified against {@code expected} or, when a stream is given and the file is one of its
   * artifacts, against the stream's digest; renamed into place only when verified.
   *
   * @throws IllegalArgumentException when it does not verify, or a given stream does not list it
   */
  public CatalogEntry add(
      Path file,
      Optional<Checksum> expected,
      Optional<CoreOsStream> stream,
      Optional<String> openshiftVersion) {
    String name = file.getFileName().toString();
    Optional<CoreOsStream.Match> match = stream.flatMap(s -> s.find(name));
    if (stream.isPresent() && match.isEmpty()) {
      throw new IllegalArgumentException(
          name
              + " is neither the live ISO nor the rootfs of stream "
              + stream.get().stream()
              + " (expected one of: "
              + String.join(
                  ", ",
                  stream.get().architectures().values().stream()
                      .flatMap(
                          m ->
                              java.util.stream.Stream.of(m.iso().fileName(), m.rootfs().fileName()))
                      .toList())
              + ")");
    }
    Optional<Checksum> want = expected.or(() -> match.map(m -> m.artifact().sha256()));
    Path target = catalog.imagesDir().resolve(name);
    Path partial = target.resolveSibling("." + name + ".partial");
    Checksum actual;
    long size;
    try {
      Files.createDirectories(catalog.imagesDir());
      if (Files.isSameFile(file.toAbsolutePath().getParent(), catalog.imagesDir())) {
        actual = hash(file, Optional.empty());
        size = Files.size(file);
      } else {
        actual = hash(file, Optional.of(partial));
        size = Files.size(partial);
      }
      if (want.isPresent() && !want.get().equals(actual)) {
        Files.deleteIfExists(partial);
        throw new IllegalArgumentException(
            name
                + ": checksum mismatch: expected "
                + want.get()
                + ", got "
                + actual
                + "; nothing was imported");
      }
      if (Files.exists(partial)) {
        try {
          Files.move(
              partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
        AtomicFiles.syncDirectory(catalog.imagesDir());
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // best effort: the original error says more
      }
      throw new UncheckedIOException("cannot import " + file + ": " + e.getMessage(), e);
    }
    CatalogEntry entry =
        match.isPresent()
            ? entry(
                name,
                match.get().kind(),
                match.get().images(),
                openshiftVersion.or(() -> match.get().images().openshiftVersion()),
                actual,
                size,
                file.toAbsolutePath().toString())
            : new CatalogEntry(
                name,
                guessKind(name),
                Optional.empty(),
                Optional.empty(),
                openshiftVersion,
                want.map(w -> actual),
                size,
                file.toAbsolutePath().toString());
    catalog.put(entry);
    return entry;
  }

  private static ImageKind guessKind(String name) {
    if (name.endsWith(".iso")) {
      return ImageKind.ISO;
    }
    return name.contains("rootfs") ? ImageKind.ROOTFS : ImageKind.OTHER;
  }

  private static CatalogEntry entry(
      String name,
      ImageKind kind,
      MetalImages images,
      Optional<String> ocp,
      Checksum sha,
      long size,
      String source) {
    return new CatalogEntry(
        name,
        kind,
        Optional.of(images.architecture()),
        Optional.of(images.release()),
        ocp,
        Optional.of(sha),
        size,
        source);
  }

  /** SHA-256 of {@code file}, copying it to {@code copyTo} (then fsynced) on the way. */
  private static Checksum hash(Path file, Optional<Path> copyTo) throws IOException {
    MessageDigest d = Checksum.Algorithm.SHA256.newDigest();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file);
        FileChannel out =
            copyTo.isPresent()
                ? FileChannel.open(
                    copyTo.get(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)
                : null) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        d.update(buf, 0, n);
        if (out != null) {
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          while (bb.hasRemaining()) {
            out.write(bb);
          }
        }
      }
      if (out != null) {
        out.force(true);
      }
    }
    return Checksum.sha256(HexFormat.of().formatHex(d.digest()));
  }
}
