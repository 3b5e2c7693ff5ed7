package org.airgap.appliance.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.airgap.registry.mirror.ImageResult;
import org.airgap.registry.mirror.MirrorListener;
import org.airgap.registry.mirror.Sizes;

/**
 * The mirror's progress: a redrawn bar (images done/total, bytes, rate, ETA) on a terminal; plain
 * lines (one per image, one per note) otherwise.
 */
final class MirrorProgress implements MirrorListener {
  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicLong bytesTotal = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong lastDraw = new AtomicLong();
  private boolean drawn;

  MirrorProgress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public void planned(int images, long b) {
    total.set(images);
    bytesTotal.set(b);
    line(images + " image(s) planned, up to " + Sizes.human(b) + " of blobs");
  }

  @Override
  public void transferred(long n) {
    bytes.addAndGet(n);
    draw(false);
  }

  @Override
  public void present(long n) {
    bytes.addAndGet(n);
    draw(false);
  }

  @Override
  public void imageDone(ImageResult r) {
    done.incrementAndGet();
    line((r.ok() ? "done " : "FAILED ") + r.source() + (r.ok() ? "" : ": " + r.error().orElse("")));
    draw(true);
  }

  @Override
  public void note(String line) {
    line(line);
  }

  synchronized void end() {
    if (drawn) {
      out.println();
      drawn = false;
    }
  }

  private synchronized void line(String s) {
    end();
    out.println(s);
  }

  private void draw(boolean force) {
    if (!terminal) {
      return;
    }
    long now = System.nanoTime();
    long last = lastDraw.get();
    if (!force && now - last < 200_000_000L || !lastDraw.compareAndSet(last, now)) {
      return;
    }
    synchronized (this) {
      out.print("\r" + bar());
      out.flush();
      drawn = true;
    }
  }

  String bar() {
    double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
    long b = bytes.get();
    long t = Math.max(b, bytesTotal.get());
    double rate = b / secs;
    long eta = rate < 1 ? -1 : (long) ((t - b) / rate);
    int width = 24;
    int filled = t == 0 ? width : (int) (b * width / t);
    return String.format(
        Locale.ROOT,
        "[%s%s] %d/%d images %s/%s %s/s ETA %s",
        "=".repeat(filled),
        " ".repeat(width - filled),
        done.get(),
        total.get(),
        Sizes.human(b),
        Sizes.human(t),
        Sizes.human((long) rate),
        eta < 0 ? "--:--" : String.format(Locale.ROOT, "%d:%02d", eta / 60, eta % 60));
  }
}
