package org.airgap.registry;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.registry.auth.Htpasswd;
import org.airgap.registry.http.BaseHandler;
import org.airgap.registry.http.BlobHandler;
import org.airgap.registry.http.ErrorRenderer;
import org.airgap.registry.http.ManifestHandler;
import org.airgap.registry.http.ReferrerHandler;
import org.airgap.registry.http.RegistryCounters;
import org.airgap.registry.http.RegistryHandler;
import org.airgap.registry.http.Routes;
import org.airgap.registry.http.TagHandler;
import org.airgap.registry.http.UploadHandler;
import org.airgap.registry.storage.FileBlobStore;
import org.airgap.registry.storage.GarbageCollector;
import org.airgap.registry.storage.RepositoryStore;
import org.airgap.registry.storage.StorageHealth;
import org.airgap.registry.storage.Stores;
import org.airgap.registry.storage.s3.S3BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The OCI distribution registry on Undertow: one listener per configured address (TLS when the
 * config has an {@code SSLContext}), one shared XNIO worker whose threads do the blocking work, and
 * the route table of {@link Routes}. Constructor assigns; {@link #start} binds; {@link #close} is
 * idempotent and never throws.
 */
public final class RegistryServer implements AutoCloseable {
  /** The Basic realm clients see in the challenge. */
  public static final String REALM = "airgap registry";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
  private static final long HEALTH_CHECK_MILLIS = 2_000;

  private final RegistryConfig config;
  private final Htpasswd users;
  private final RegistryCounters counters = new RegistryCounters();
  private final List<Undertow> servers = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private XnioWorker worker;
  private RepositoryStore store;
  private volatile Stores stores;
  private java.util.concurrent.ScheduledExecutorService upkeep;
  private boolean closed;

  public RegistryServer(RegistryConfig config, Htpasswd users) {
    this.config = config;
    this.users = users;
  }

  /**
   * Creates the storage folder and binds every listen address; on failure closes what it opened and
   * throws an unchecked exception naming the address and the reason.
   */
  public synchronized void start() {
    if (!servers.isEmpty() || closed) {
      throw new IllegalStateException("registry already started or closed");
    }
    try {
      if (config.s3().isEmpty()) {
        Files.createDirectories(config.storage());
      }
      stores = Stores.open(config.storage(), config.s3(), config.upkeep().gcGrace());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "registry: cannot open storage "
              + config.s3().map(Object::toString).orElse(config.storage().toString())
              + ": "
              + e.getMessage(),
          e);
    }
    store = stores.store();
    if (config.s3().isEmpty()) {
      recover();
    }
    RegistryHandler root =
        new RegistryHandler(
            Routes.table(
                new BaseHandler(),
                new BlobHandler(store),
                new UploadHandler(store, counters),
                new ManifestHandler(store, counters),
                new TagHandler(store),
                new ReferrerHandler(store)),
            users,
            config.anonymousPull(),
            new ErrorRenderer(REALM),
            counters,
            stores.health());
    try {
      worker =
          Xnio.getInstance(Undertow.class.getClassLoader())
              .createWorker(
                  OptionMap.builder()
                      .set(
                          Options.WORKER_IO_THREADS,
                          Math.max(2, Runtime.getRuntime().availableProcessors()))
                      .set(Options.WORKER_TASK_CORE_THREADS, 64)
                      .set(Options.WORKER_TASK_MAX_THREADS, 64)
                      .set(Options.WORKER_NAME, "registry")
                      .set(Options.TCP_NODELAY, true)
                      .getMap());
    } catch (IOException e) {
      throw new UncheckedIOException("registry: cannot start worker threads: " + e.getMessage(), e);
    }
    for (InetSocketAddress a : config.listen()) {
      Undertow.Builder b =
          Undertow.builder()
              .setWorker(worker)
              // multi-GB uploads: no body cap, no timeout between reads
              .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
              .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
              // HTTP/1.1 only: over TLS, Undertow's HTTP/2 (16 KiB frames, 64 KiB windows) moved
              // blobs at less than half the speed of HTTP/1.1 (curl, 1 GiB, loopback); registry
              // clients (skopeo, podman, containerd, Jib, oc-mirror) all speak HTTP/1.1
              .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
              .setHandler(new HttpContinueReadHandler(root));
      String host = a.getAddress().getHostAddress();
      if (config.tls().isPresent()) {
        b.addHttpsListener(a.getPort(), host, config.tls().get());
      } else {
        b.addHttpListener(a.getPort(), host);
      }
      Undertow u = b.build();
      try {
        u.start();
      } catch (RuntimeException e) {
        close();
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new UncheckedIOException(
            "registry: cannot listen on " + hostPort(a) + ": " + cause.getMessage(),
            cause instanceof IOException io ? io : new IOException(cause));
      }
      servers.add(u);
      bound.add((InetSocketAddress) u.getListenerInfo().get(0).getAddress());
    }
    scheduleUpkeep();
  }

  /** After a crash: blobs a GC had moved aside go back, stale temp files and old uploads go. */
  private void recover() {
    try {
      ((FileBlobStore) store.blobs()).recover();
      purgeUploads();
    } catch (IOException e) {
      LOG.warn("registry: recovery of {} incomplete: {}", config.storage(), e.toString());
    }
  }

  private void purgeUploads() throws IOException {
    List<String> purged = store.blobs().purgeUploads(config.upkeep().uploadMaxAge().toMillis());
    if (!purged.isEmpty()) {
      LOG.info(
          "registry: purged {} abandoned upload(s) older than {}",
          purged.size(),
          config.upkeep().uploadMaxAge());
    }
  }

  private void scheduleUpkeep() {
    upkeep =
        java.util.concurrent.Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "registry-upkeep");
              t.setDaemon(true);
              return t;
            });
    if (stores.bucket().isPresent()) {
      // the endpoint may be down at start: the registry serves 503s and is not ready until a
      // probe gets through; then the purge of abandoned uploads runs as for files
      StorageHealth health = stores.health();
      boolean[] purged = {false};
      upkeep.scheduleWithFixedDelay(
          () -> {
            try {
              if (health.problem().isPresent() && health.check().isEmpty() && !purged[0]) {
                purged[0] = true;
                purgeUploads();
              }
            } catch (IOException | RuntimeException e) {
              LOG.warn("registry: upload purge failed: {}", e.toString());
            }
          },
          0,
          HEALTH_CHECK_MILLIS,
          java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    long purgeEvery = Math.max(60, Math.min(3600, config.upkeep().uploadMaxAge().toSeconds() / 4));
    upkeep.scheduleWithFixedDelay(
        () -> {
          try {
            purgeUploads();
          } catch (IOException | RuntimeException e) {
            LOG.warn("registry: upload purge failed: {}", e.toString());
          }
        },
        purgeEvery,
        purgeEvery,
        java.util.concurrent.TimeUnit.SECONDS);
    config
        .upkeep()
        .gcInterval()
        .ifPresent(
            every ->
                upkeep.scheduleWithFixedDelay(
                    () -> {
                      try {
                        GarbageCollector.Report r = gc(false, config.upkeep().gcDeleteUntagged());
                        LOG.info(
                            "registry: scheduled gc freed {} bytes in {} blob(s), {} untagged"
                                + " manifest(s), {} ms",
                            r.bytesFreed(),
                            r.deletedBlobs().size(),
                            r.untaggedManifests().size(),
                            r.millis());
                      } catch (IOException | RuntimeException e) {
                        LOG.warn("registry: scheduled gc failed: {}", e.toString());
                      }
                    },
                    every.toMillis(),
                    every.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  /** Runs garbage collection now, online, with the configured grace period. */
  public GarbageCollector.Report gc(boolean dryRun, boolean deleteUntagged) throws IOException {
    RepositoryStore s;
    synchronized (this) {
      s = store;
    }
    if (s == null) {
      try (Stores opened = Stores.open(config.storage(), config.s3(), config.upkeep().gcGrace())) {
        return new GarbageCollector(opened.store())
            .run(new GarbageCollector.Options(dryRun, deleteUntagged, config.upkeep().gcGrace()));
      }
    }
    return new GarbageCollector(s)
        .run(new GarbageCollector.Options(dryRun, deleteUntagged, config.upkeep().gcGrace()));
  }

  /** Empty when the storage answers; else why the registry is not ready (its S3 endpoint down). */
  public Optional<String> storageProblem() {
    Stores s = stores;
    return s == null ? Optional.of("not started") : s.health().problem();
  }

  /** The repositories as this registry serves them (its storage), once started. */
  public synchronized Optional<RepositoryStore> store() {
    return Optional.ofNullable(store);
  }

  private static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  /** The addresses actually bound (real ports when the config said 0); the config before start. */
  public synchronized List<InetSocketAddress> addresses() {
    return bound.isEmpty() ? config.listen() : List.copyOf(bound);
  }

  /** requests, bytes_in, bytes_out, blob_uploads, manifest_puts, auth_failures, … */
  public Map<String, Long> counters() {
    Map<String, Long> out = new java.util.LinkedHashMap<>(counters.snapshot());
    Stores s = stores;
    if (s != null && s.bucket().isPresent()) {
      out.put("s3_requests", s.bucket().get().requests());
      if (s.store().blobs() instanceof S3BlobStore b) {
        out.put("s3_uploads_reread", b.rehashedUploads());
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Undertow u : servers) {
      try {
        u.stop();
      } catch (RuntimeException ignored) {
        // closing: nothing to report to
      }
    }
    servers.clear();
    if (upkeep != null) {
      upkeep.shutdownNow();
      upkeep = null;
    }
    if (worker != null) {
      worker.shutdownNow();
      worker = null;
    }
    if (stores != null) {
      stores.close();
    }
  }
}
