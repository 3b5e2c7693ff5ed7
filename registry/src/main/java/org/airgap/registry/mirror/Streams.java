package org.airgap.registry.mirror;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;
import org.airgap.registry.storage.LimitedInputStream;

/** Stream wrappers: exactly-N-bytes windows and hashing counters. */
final class Streams {
  private Streams() {}

  /**
   * Reads exactly {@code length} bytes of {@code in}, then reports end of stream; an early end of
   * {@code in} is an {@link EOFException}. Closing does not close {@code in}.
   */
  static InputStream exactly(InputStream in, long length) {
    return new LimitedInputStream(in, length) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0 && remaining() > 0) {
          throw new EOFException("source ended " + remaining() + " bytes early");
        }
        return n;
      }

      @Override
      public void close() {
        // the window ends; the stream underneath goes on
      }
    };
  }

  /** Feeds every byte read into {@code md} and tells {@code counter} how many. */
  static InputStream hashing(InputStream in, MessageDigest md, LongConsumer counter) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int c = in.read();
        if (c >= 0) {
          md.update((byte) c);
          counter.accept(1);
        }
        return c;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          md.update(b, off, n);
          counter.accept(n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
          int r = read(buf, 0, (int) Math.min(buf.length, n - done));
          if (r < 0) {
            break;
          }
          done += r;
        }
        return done;
      }
    };
  }

  /** Reads and discards {@code n} bytes into {@code md} (to bring a hash forward). */
  static void feed(InputStream in, long n, MessageDigest md) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new EOFException("source ended " + left + " bytes early");
      }
      md.update(buf, 0, r);
      left -= r;
    }
  }
}
