package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.airgap.websrv.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run for the daemon and the console under {@code <data-dir>/state/mirror/}: {@code
 * progress.json} (rewritten at most once a second while running, and at the end) and {@code
 * last-run.json} (the summary with one entry per image). Every write is temp file, fsync, rename. A
 * state file that cannot be written is logged, never fatal to the copy.
 */
public final class StateFiles implements MirrorListener {
  private static final Logger LOG = LoggerFactory.getLogger(StateFiles.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Path dir;
  private final String command;
  private final Instant started = Instant.now();
  private final AtomicInteger imagesTotal = new AtomicInteger();
  private final AtomicInteger imagesDone = new AtomicInteger();
  private final AtomicInteger imagesFailed = new AtomicInteger();
  private final AtomicLong bytesTotal = new AtomicLong();
  private final AtomicLong bytesDone = new AtomicLong();
  private final AtomicLong lastWrite = new AtomicLong();
  private final List<String> notes = new ArrayList<>();

  public StateFiles(Path dir, String command) {
    this.dir = dir;
    this.command = command;
  }

  public Path progressFile() {
    return dir.resolve("progress.json");
  }

  public Path lastRunFile() {
    return dir.resolve("last-run.json");
  }

  @Override
  public void planned(int images, long bytes) {
    imagesTotal.set(images);
    bytesTotal.set(bytes);
    progress("running", true);
  }

  @Override
  public void transferred(long n) {
    bytesDone.addAndGet(n);
    progress("running", false);
  }

  @Override
  public void present(long n) {
    bytesDone.addAndGet(n);
    progress("running", false);
  }

  @Override
  public void imageDone(ImageResult r) {
    imagesDone.incrementAndGet();
    if (!r.ok()) {
      imagesFailed.incrementAndGet();
    }
    progress("running", false);
  }

  @Override
  public synchronized void note(String line) {
    notes.add(line);
    if (notes.size() > 50) {
      notes.remove(0);
    }
  }

  @Override
  public void finished(MirrorSummary s) {
    progress(s.ok() ? "succeeded" : "failed", true);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", command);
    m.put("mode", s.mode());
    m.put("started", started.toString());
    m.put("finished", Instant.now().toString());
    m.put("ok", s.ok());
    m.put("images", s.images().size());
    m.put("failed", s.failures());
    m.put("bytesCopied", s.bytesCopied());
    m.put("bytesPresent", s.bytesPresent());
    m.put("seconds", s.elapsed().toMillis() / 1000.0);
    m.put("summary", s.line());
    m.put("notes", s.notes());
    List<Map<String, Object>> images = new ArrayList<>();
    for (ImageResult r : s.images()) {
      Map<String, Object> i = new LinkedHashMap<>();
      i.put("source", r.source());
      i.put("target", r.target());
      i.put("digest", r.digest().orElse(""));
      i.put("ok", r.ok());
      i.put("error", r.error().orElse(""));
      i.put("blobsCopied", r.blobsCopied());
      i.put("blobsPresent", r.blobsPresent());
      i.put("bytesCopied", r.bytesCopied());
      images.add(i);
    }
    m.put("results", images);
    write(lastRunFile(), m);
  }

  private void progress(String phase, boolean force) {
    long now = System.nanoTime();
    long last = lastWrite.get();
    if (!force && now - last < 1_000_000_000L) {
      return;
    }
    if (!lastWrite.compareAndSet(last, now) && !force) {
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", command);
    m.put("phase", phase);
    m.put("started", started.toString());
    m.put("updated", Instant.now().toString());
    m.put("imagesTotal", imagesTotal.get());
    m.put("imagesDone", imagesDone.get());
    m.put("imagesFailed", imagesFailed.get());
    m.put("bytesTotal", bytesTotal.get());
    m.put("bytesDone", bytesDone.get());
    synchronized (this) {
      m.put("notes", List.copyOf(notes));
    }
    write(progressFile(), m);
  }

  private synchronized void write(Path file, Map<String, Object> m) {
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(m), AtomicFiles.PUBLIC);
    } catch (IOException e) {
      LOG.warn("cannot write {}: {}", file, e.getMessage());
    }
  }
}
