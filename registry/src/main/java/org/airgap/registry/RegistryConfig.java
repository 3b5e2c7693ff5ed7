package org.airgap.registry;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What the registry needs: listen addresses, TLS (empty: plain HTTP), its storage folder, whether
 * anonymous pulls are allowed, the upkeep of its storage, and an S3 bucket when the content lives
 * there instead of the folder.
 */
public record RegistryConfig(
    List<InetSocketAddress> listen,
    Optional<SSLContext> tls,
    Path storage,
    boolean anonymousPull,
    Upkeep upkeep,
    Optional<org.airgap.registry.storage.s3.S3Settings> s3) {
  public RegistryConfig {
    listen = List.copyOf(listen);
  }

  /** On the filesystem. */
  public RegistryConfig(
      List<InetSocketAddress> listen,
      Optional<SSLContext> tls,
      Path storage,
      boolean anonymousPull,
      Upkeep upkeep) {
    this(listen, tls, storage, anonymousPull, upkeep, Optional.empty());
  }

  /** With the default {@link Upkeep}. */
  public RegistryConfig(
      List<InetSocketAddress> listen,
      Optional<SSLContext> tls,
      Path storage,
      boolean anonymousPull) {
    this(listen, tls, storage, anonymousPull, Upkeep.defaults());
  }

  /**
   * Storage upkeep: uploads untouched for {@code uploadMaxAge} are purged (at start and then
   * periodically); garbage collection keeps unreferenced blobs younger than {@code gcGrace}, and
   * runs by itself every {@code gcInterval} when set, removing untagged manifests when {@code
   * gcDeleteUntagged}.
   */
  public record Upkeep(
      Duration uploadMaxAge,
      Duration gcGrace,
      Optional<Duration> gcInterval,
      boolean gcDeleteUntagged) {
    public Upkeep {
      if (uploadMaxAge.isNegative() || uploadMaxAge.isZero()) {
        throw new IllegalArgumentException("upload max age must be positive");
      }
      if (gcGrace.isNegative()) {
        throw new IllegalArgumentException("gc grace must not be negative");
      }
      if (gcInterval.isPresent() && gcInterval.get().toMillis() < 1) {
        throw new IllegalArgumentException("gc interval must be positive");
      }
    }

    /** Uploads: 24 h; GC grace: 24 h; no scheduled GC. */
    public static Upkeep defaults() {
      return new Upkeep(Duration.ofHours(24), Duration.ofHours(24), Optional.empty(), false);
    }
  }
}
