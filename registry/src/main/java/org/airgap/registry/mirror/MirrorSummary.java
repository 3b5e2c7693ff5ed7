package org.airgap.registry.mirror;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a run.
 *
 * @param mode registry-to-registry, registry-to-disk, disk-to-registry (with {@code dry-run})
 * @param images one result per image, in the order given
 * @param bytesCopied bytes that moved
 * @param bytesPresent bytes the target already had
 * @param elapsed wall time
 * @param notes extra lines (for an archive: chunks written)
 */
public record MirrorSummary(
    String mode,
    List<ImageResult> images,
    long bytesCopied,
    long bytesPresent,
    Duration elapsed,
    List<String> notes) {
  public MirrorSummary {
    images = List.copyOf(images);
    notes = List.copyOf(notes);
  }

  public long failures() {
    return images.stream().filter(i -> !i.ok()).count();
  }

  public boolean ok() {
    return failures() == 0;
  }

  /** One line: images, bytes, time, rate, failures. */
  public String line() {
    double secs = Math.max(elapsed.toMillis(), 1) / 1000.0;
    return String.format(
        Locale.ROOT,
        "%s: %d image(s), %d failed; %s moved, %s already there; %.1f s, %s/s",
        mode,
        images.size(),
        failures(),
        Sizes.human(bytesCopied),
        Sizes.human(bytesPresent),
        secs,
        Sizes.human((long) (bytesCopied / secs)));
  }
}
