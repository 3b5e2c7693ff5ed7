package org.airgap.dns.dnsmasq;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when one of a few files (or directories) changes: modification time, size or
 * existence, polled. Polling a handful of paths costs nothing and sees edits made by rename, in
 * place, or on any file system; a change is reported once the files have been still for one
 * interval, so an editor's several writes give one reload.
 */
public final class FileWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
  private final List<Path> paths;
  private final Duration interval;
  private final Runnable onChange;
  private ScheduledExecutorService timer;
  private List<String> last;
  private boolean pending;

  public FileWatcher(List<Path> paths, Duration interval, Runnable onChange) {
    this.paths = List.copyOf(paths);
    this.interval = interval;
    this.onChange = onChange;
  }

  public synchronized void start() {
    if (timer != null) {
      return;
    }
    last = state();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dnsmasq-watch");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    List<String> now = state();
    boolean fire;
    synchronized (this) {
      if (!now.equals(last)) {
        last = now;
        pending = true;
        return;
      }
      fire = pending;
      pending = false;
    }
    if (fire) {
      try {
        onChange.run();
      } catch (RuntimeException e) {
        LOG.warn("dnsmasq files changed, reload failed: {}", e.getMessage());
      }
    }
  }

  private List<String> state() {
    List<String> out = new ArrayList<>();
    for (Path p : paths) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.add(p + "|" + a.lastModifiedTime().toMillis() + "|" + a.size() + "|" + a.fileKey());
      } catch (IOException e) {
        out.add(p + "|missing");
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
