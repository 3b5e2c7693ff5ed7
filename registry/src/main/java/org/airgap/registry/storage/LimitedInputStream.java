package org.airgap.registry.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The next {@code length} bytes of a stream, then end of stream: a blob's range read from a file or
 * an object whose source would go on past it. Closing closes the source.
 */
public class LimitedInputStream extends FilterInputStream {
  private long left;

  public LimitedInputStream(InputStream in, long length) {
    super(in);
    this.left = length;
  }

  /** Bytes still to come before the end this stream stops at. */
  public final long remaining() {
    return left;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n > 0) {
      left -= n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = in.skip(Math.min(n, left));
    if (s > 0) {
      left -= s;
    }
    return s;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), left);
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
