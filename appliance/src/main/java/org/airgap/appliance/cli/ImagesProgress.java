package org.airgap.appliance.cli;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import org.airgap.websrv.download.DownloadListener;
import org.airgap.websrv.download.DownloadResult;

/**
 * Shows a download: a redrawn bar (bytes, rate, ETA) on a terminal, plain lines every 10% (or every
 * 10 s when the size is unknown) otherwise.
 */
final class ImagesProgress implements DownloadListener {
  private static final int WIDTH = 30;
  private final String name;
  private final PrintStream out;
  private final boolean terminal;
  private long startNanos;
  private long startBytes;
  private long lastLineNanos;
  private int lastDecile = -1;
  private boolean drawn;

  ImagesProgress(String name, PrintStream out, boolean terminal) {
    this.name = name;
    this.out = out;
    this.terminal = terminal;
  }

  /** For {@code System.err}: a bar when a console is attached. */
  static ImagesProgress forStderr(String name) {
    return new ImagesProgress(name, System.err, System.console() != null);
  }

  @Override
  public void started(URI source, long offset, OptionalLong total) {
    startNanos = System.nanoTime();
    startBytes = offset;
    lastLineNanos = startNanos;
    endBar();
    out.println(
        name
            + ": "
            + (offset > 0 ? "resuming at " + bytes(offset) + " from " : "fetching ")
            + source
            + (total.isPresent() ? " (" + bytes(total.getAsLong()) + ")" : ""));
  }

  @Override
  public void progress(long done, OptionalLong total) {
    long now = System.nanoTime();
    double secs = Math.max(1e-3, (now - startNanos) / 1e9);
    double rate = (done - startBytes) / secs;
    if (terminal) {
      out.print("\r" + bar(done, total, rate));
      out.flush();
      drawn = true;
      return;
    }
    if (total.isPresent() && total.getAsLong() > 0) {
      int decile = (int) (done * 10 / total.getAsLong());
      if (decile > lastDecile) {
        lastDecile = decile;
        out.println(line(done, total, rate));
      }
    } else if (now - lastLineNanos >= 10_000_000_000L) {
      lastLineNanos = now;
      out.println(line(done, total, rate));
    }
  }

  @Override
  public void retrying(int attempt, Duration wait, String reason) {
    endBar();
    out.println(
        name
            + ": attempt "
            + attempt
            + " failed ("
            + reason
            + "); resuming in "
            + wait.toSeconds()
            + " s");
  }

  @Override
  public void finished(DownloadResult r) {
    endBar();
    out.println(name + ": verified, " + bytes(r.size()) + ", " + r.sha256());
  }

  private void endBar() {
    if (drawn) {
      out.println();
      drawn = false;
    }
  }

  String bar(long done, OptionalLong total, double rate) {
    if (total.isEmpty() || total.getAsLong() <= 0) {
      return String.format(Locale.ROOT, "%s %s %s/s", name, bytes(done), bytes((long) rate));
    }
    long t = total.getAsLong();
    int filled = (int) (done * WIDTH / t);
    return String.format(
        Locale.ROOT,
        "%s [%s%s] %3d%% %s/%s %s/s ETA %s",
        name,
        "=".repeat(filled),
        " ".repeat(WIDTH - filled),
        done * 100 / t,
        bytes(done),
        bytes(t),
        bytes((long) rate),
        eta(t - done, rate));
  }

  String line(long done, OptionalLong total, double rate) {
    if (total.isEmpty() || total.getAsLong() <= 0) {
      return String.format(Locale.ROOT, "%s: %s, %s/s", name, bytes(done), bytes((long) rate));
    }
    long t = total.getAsLong();
    return String.format(
        Locale.ROOT,
        "%s: %d%% %s of %s, %s/s, ETA %s",
        name,
        done * 100 / t,
        bytes(done),
        bytes(t),
        bytes((long) rate),
        eta(t - done, rate));
  }

  static String eta(long remaining, double rate) {
    if (rate < 1) {
      return "--:--";
    }
    long s = (long) (remaining / rate);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
