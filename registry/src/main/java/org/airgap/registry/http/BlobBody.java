package org.airgap.registry.http;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.storage.BlobStore.BlobReader;
import org.airgap.websrv.http.ByteRange;
import org.airgap.websrv.http.MultipartByteranges;
import org.xnio.channels.StreamSinkChannel;

/**
 * Writes blob bytes to the response channel from a worker thread (blocking on the channel's
 * writability). On plain HTTP a file-backed blob goes out with {@code transferFrom}, which XNIO
 * turns into sendfile once the headers are flushed; on TLS (and for stores without files) the bytes
 * stream through one bounded buffer, never the whole blob.
 */
final class BlobBody {
  private static final int BUFFER = 256 * 1024;

  private BlobBody() {}

  static void send(
      HttpServerExchange ex,
      BlobReader blob,
      List<ByteRange> ranges,
      Optional<MultipartByteranges> mp)
      throws IOException {
    boolean zeroCopy = blob.fileChannel().isPresent() && !"https".equals(ex.getRequestScheme());
    StreamSinkChannel ch = ex.getResponseChannel();
    for (int i = 0; i < ranges.size(); i++) {
      if (mp.isPresent()) {
        writeFully(ch, ByteBuffer.wrap(mp.get().partHeader(i).getBytes(StandardCharsets.US_ASCII)));
      }
      ByteRange r = ranges.get(i);
      if (zeroCopy) {
        transfer(ch, blob.fileChannel().get(), r.first(), r.length());
      } else if (blob.fileChannel().isPresent()) {
        copyFile(ch, blob.fileChannel().get(), r.first(), r.length());
      } else {
        try (InputStream in = blob.stream(r.first(), r.length())) {
          copyStream(ch, in, r.length());
        }
      }
    }
    if (mp.isPresent()) {
      writeFully(ch, ByteBuffer.wrap(mp.get().closing().getBytes(StandardCharsets.US_ASCII)));
    }
    ch.shutdownWrites();
    while (!ch.flush()) {
      ch.awaitWritable();
    }
    ex.endExchange();
  }

  /**
   * Zero-copy. XNIO ignores {@code pos} while the headers are still buffered and reads from the
   * file's position instead, so the position is kept equal to {@code pos} throughout.
   */
  private static void transfer(StreamSinkChannel ch, FileChannel fc, long start, long length)
      throws IOException {
    long pos = start;
    long left = length;
    fc.position(pos);
    while (left > 0) {
      long n = ch.transferFrom(fc, pos, left);
      if (n > 0) {
        pos += n;
        left -= n;
        fc.position(pos);
      } else if (pos >= fc.size()) {
        throw new IOException("blob shorter than expected");
      } else {
        ch.awaitWritable();
      }
    }
  }

  private static void copyFile(StreamSinkChannel ch, FileChannel fc, long start, long length)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    long pos = start;
    long end = start + length;
    while (pos < end) {
      buf.clear().limit((int) Math.min(BUFFER, end - pos));
      int n = fc.read(buf, pos);
      if (n < 0) {
        throw new IOException("blob shorter than expected");
      }
      pos += n;
      buf.flip();
      writeFully(ch, buf);
    }
  }

  private static void copyStream(StreamSinkChannel ch, InputStream in, long length)
      throws IOException {
    byte[] b = new byte[BUFFER];
    long left = length;
    while (left > 0) {
      int n = in.read(b, 0, (int) Math.min(b.length, left));
      if (n < 0) {
        throw new IOException("blob shorter than expected");
      }
      left -= n;
      writeFully(ch, ByteBuffer.wrap(b, 0, n));
    }
  }

  private static void writeFully(StreamSinkChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.write(buf) == 0) {
        ch.awaitWritable();
      }
    }
  }
}
