package org.airgap.redfish.libvirt;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.airgap.redfish.driver.MediaImage;
import org.airgap.websrv.download.DownloadListener;
import org.airgap.websrv.download.DownloadOptions;
import org.airgap.websrv.download.DownloadRequest;
import org.airgap.websrv.download.Downloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual media cache: an image URL becomes a local file qemu can read.
 *
 * <p>An URL under one of airgap's own web server prefixes is the served file itself (in place, no
 * copy). Anything else is fetched with websrv's verified, resumable {@link Downloader} into
 *
 * <pre>
 * &lt;cache&gt;/                       0755
 * ├── 3f2a…c1-discovery.iso     0644  first 16 hex digits of SHA-256(URL), then the file name
 * └── .3f2a…c1-discovery.iso.partial   while downloading (hidden)
 * </pre>
 *
 * Downloads run on the caller's thread (one per inserting machine, so systems never wait on each
 * other's downloads); two inserts of the same URL at once share one download. InsertMedia's {@code
 * UserName}/{@code Password} become HTTP Basic credentials for the image's origin only.
 */
public final class MediaCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MediaCache.class);

  private final Path dir;
  private final List<LibvirtConfig.LocalSource> local;
  private final DownloadOptions options;
  private final ConcurrentHashMap<Path, CompletableFuture<Path>> inFlight =
      new ConcurrentHashMap<>();
  private Downloader downloader;

  public MediaCache(Path dir, List<LibvirtConfig.LocalSource> local, DownloadOptions options) {
    this.dir = dir;
    this.local = List.copyOf(local);
    this.options = options;
  }

  public Path dir() {
    return dir;
  }

  /** Whether {@code file} is a cache entry (and so ours to delete). */
  public boolean owns(Path file) {
    return file.toAbsolutePath().normalize().getParent().equals(dir.toAbsolutePath().normalize());
  }

  /** The served file an URL of our own web server names, if it exists. */
  public Optional<Path> inPlace(URI url) {
    for (LibvirtConfig.LocalSource s : local) {
      URI b = s.base();
      if (!lower(b.getScheme()).equals(lower(url.getScheme()))
          || !lower(b.getHost()).equals(lower(url.getHost()))
          || port(b) != port(url)
          || url.getRawPath() == null
          || !url.getRawPath().startsWith(b.getRawPath())) {
        continue;
      }
      String rel = url.getRawPath().substring(b.getRawPath().length());
      if (rel.isEmpty()) {
        continue;
      }
      try {
        Path root = s.root().toRealPath();
        Path candidate = root;
        for (String seg : rel.split("/", -1)) {
          String name = URLDecoder.decode(seg.replace("+", "%2B"), StandardCharsets.UTF_8);
          if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            candidate = null;
            break;
          }
          candidate = candidate.resolve(name);
        }
        if (candidate == null || !Files.isRegularFile(candidate)) {
          continue;
        }
        Path real = candidate.toRealPath();
        if (real.startsWith(root)) {
          return Optional.of(real);
        }
      } catch (IOException | IllegalArgumentException e) {
        LOG.debug("redfish: {} is not a local file: {}", url, e.toString());
      }
    }
    return Optional.empty();
  }

  /** A readable local file holding {@code image}: in place when ours, else downloaded. */
  public Path fetch(MediaImage image) {
    Optional<Path> own = inPlace(image.image());
    if (own.isPresent()) {
      LOG.info("redfish: {} is served here, used in place ({})", image.image(), own.get());
      return own.get();
    }
    Path target = dir.resolve(entryName(image.image()));
    CompletableFuture<Path> mine = new CompletableFuture<>();
    CompletableFuture<Path> running = inFlight.putIfAbsent(target, mine);
    if (running != null) {
      try {
        return running.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + image.image(), e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re
            ? re
            : new IllegalStateException(e.getCause());
      }
    }
    try {
      prepareDir();
      long t0 = System.nanoTime();
      DownloadRequest req = new DownloadRequest(image.image(), target, Optional.empty());
      if (image.user().isPresent() || image.password().isPresent()) {
        req = req.withCredentials(image.user().orElse(""), image.password().orElse(""));
      }
      downloader().download(req, DownloadListener.NONE);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
      LOG.info(
          "redfish: fetched {} into {} in {} ms",
          image.image(),
          target,
          (System.nanoTime() - t0) / 1_000_000);
      mine.complete(target);
      return target;
    } catch (IOException e) {
      IllegalStateException ex = new IllegalStateException("cannot write " + target, e);
      mine.completeExceptionally(ex);
      throw ex;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(target, mine);
    }
  }

  /** Deletes a cache entry no drive uses any more; files outside the cache are never touched. */
  public void release(Path file) {
    if (!owns(file)) {
      return;
    }
    try {
      Files.deleteIfExists(file);
      LOG.info("redfish: freed cache entry {}", file);
    } catch (IOException e) {
      LOG.warn("redfish: cannot delete cache entry {}: {}", file, e.toString());
    }
  }

  private void prepareDir() throws IOException {
    Files.createDirectories(dir);
    if (Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS) != null) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private synchronized Downloader downloader() {
    if (downloader == null) {
      downloader = new Downloader(options);
    }
    return downloader;
  }

  static String entryName(URI url) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(url.toString().getBytes(StandardCharsets.UTF_8));
      String name = new MediaImage(url, true, Optional.empty(), Optional.empty()).name();
      name = name.replaceAll("[^A-Za-z0-9._-]", "_");
      if (name.isEmpty() || name.startsWith(".")) {
        name = "media" + name;
      }
      return HexFormat.of().formatHex(h, 0, 8) + "-" + name;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  @Override
  public synchronized void close() {
    if (downloader != null) {
      downloader.close();
      downloader = null;
    }
  }
}
