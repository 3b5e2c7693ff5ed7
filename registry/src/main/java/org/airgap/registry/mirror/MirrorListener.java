package org.airgap.registry.mirror;

/**
 * Hears a run's progress: for a terminal bar, log lines and the console's state file. Called from
 * several threads; implementations are thread-safe and quick.
 */
public interface MirrorListener {
  /** The plan is known: how many images and how many blob bytes may move. */
  default void planned(int images, long bytes) {}

  /** {@code n} more bytes moved. */
  default void transferred(long n) {}

  /** {@code n} bytes the target already had. */
  default void present(long n) {}

  /** One image is done (or failed). */
  default void imageDone(ImageResult result) {}

  /** A line worth telling (a retry, a resume, a skipped chunk). */
  default void note(String line) {}

  /** The run is over. */
  default void finished(MirrorSummary summary) {}

  static MirrorListener none() {
    return new MirrorListener() {};
  }

  /** Tells both. */
  static MirrorListener both(MirrorListener a, MirrorListener b) {
    return new MirrorListener() {
      @Override
      public void planned(int images, long bytes) {
        a.planned(images, bytes);
        b.planned(images, bytes);
      }

      @Override
      public void transferred(long n) {
        a.transferred(n);
        b.transferred(n);
      }

      @Override
      public void present(long n) {
        a.present(n);
        b.present(n);
      }

      @Override
      public void imageDone(ImageResult r) {
        a.imageDone(r);
        b.imageDone(r);
      }

      @Override
      public void note(String line) {
        a.note(line);
        b.note(line);
      }

      @Override
      public void finished(MirrorSummary s) {
        a.finished(s);
        b.finished(s);
      }
    };
  }
}
