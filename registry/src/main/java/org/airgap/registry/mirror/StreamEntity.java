package org.airgap.registry.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * A streamed, non-repeatable request body of a known length, written in 256 KiB pieces (HttpCore's
 * InputStreamEntity writes 4 KiB at a time, which costs a TLS record and a syscall each).
 */
final class StreamEntity extends AbstractHttpEntity {
  private static final int BUFFER = 256 << 10;
  private final InputStream in;
  private final long length;

  StreamEntity(InputStream in, long length) {
    super(ContentType.APPLICATION_OCTET_STREAM, null);
    this.in = in;
    this.length = length;
  }

  @Override
  public long getContentLength() {
    return length;
  }

  @Override
  public InputStream getContent() {
    return in;
  }

  @Override
  public boolean isStreaming() {
    return true;
  }

  @Override
  public boolean isRepeatable() {
    return false;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    byte[] buf = new byte[BUFFER];
    long left = length;
    while (left > 0) {
      int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
      if (n <= 0) {
        throw new java.io.EOFException("body ended " + left + " bytes early");
      }
      out.write(buf, 0, n);
      left -= n;
    }
    out.flush();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
