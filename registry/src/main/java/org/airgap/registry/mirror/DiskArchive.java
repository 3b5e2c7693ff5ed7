package org.airgap.registry.mirror;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.airgap.registry.api.Digest;
import org.airgap.websrv.io.AtomicFiles;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The disk archive: {@code archive.json} ({@link ArchiveIndex}) beside tar chunks {@code
 * airgap-NNNNNN.tar} of at most a chosen size. Each chunk starts with {@code airgap-chunk.json},
 * then holds content-addressed entries {@code blobs/sha256/HEX} (blobs and manifests alike); a blob
 * bigger than a chunk is cut into {@code HEX.part-NNNN} entries in consecutive chunks. A chunk is
 * written to a hidden temp file, fsynced, renamed, and only then recorded in the index, so a run
 * that stops loses at most one chunk and the next run writes only what is missing. Reading
 * re-hashes every blob and manifest; a missing or damaged chunk is an error that names it.
 */
public final class DiskArchive {
  /** The smallest chunk size: 1 MiB. */
  public static final long MIN_CHUNK = 1L << 20;

  static final String CHUNK_HEADER = "airgap-chunk.json";

  /** The tar end marker plus room for a PAX header of a big entry. */
  private static final long TAR_EOF = 1024 + 2048;

  private static final long HEADER = 512;

  private DiskArchive() {}

  /** What to write: a digest, its size, its media type ("" for a blob), and how to read it. */
  record Item(Digest digest, long size, String mediaType, BlobSource source) {}

  // ------------------------------------------------------------------ writing

  /** Writes items into new chunks of {@code dir}, updating the index after each chunk. */
  static final class Writer implements AutoCloseable {
    private final Path dir;
    private final long max;
    private final int run;
    private final MirrorListener listener;
    private final Backoff retry;
    private ArchiveIndex index;
    private final List<String> written = new ArrayList<>();
    private Path tmp;
    private String name;
    private FileChannel channel;
    private TarArchiveOutputStream tar;
    private Map<String, ArchiveIndex.Blob> inChunk = new LinkedHashMap<>();

    Writer(Path dir, ArchiveIndex index, long max, MirrorListener listener, Backoff retry) {
      this.dir = dir;
      this.index = index;
      this.max = max;
      this.run = index.lastRun() + 1;
      this.listener = listener;
      this.retry = retry;
    }

    int run() {
      return run;
    }

    ArchiveIndex index() {
      return index;
    }

    List<String> chunksWritten() {
      return List.copyOf(written);
    }

    void add(Item item) throws IOException {
      String hexPath = "blobs/" + item.digest().algorithm() + "/" + item.digest().hex();
      if (1024 + HEADER + pad(item.size()) + TAR_EOF <= max) {
        // fits in one chunk: in this one, else in a new one
        if (tar != null && used() + HEADER + pad(item.size()) + TAR_EOF > max) {
          closeChunk();
        }
        ensureChunk();
        MessageDigest md = item.digest().newHasher();
        writeEntry(hexPath, item, 0, item.size(), md);
        verify(item, md);
        inChunk.put(
            item.digest().toString(),
            new ArchiveIndex.Blob(
                item.size(),
                item.mediaType(),
                List.of(new ArchiveIndex.Part(name, hexPath, item.size()))));
        return;
      }
      // too big for any chunk: pieces, each filling what is left of a chunk
      MessageDigest md = item.digest().newHasher();
      List<ArchiveIndex.Part> parts = new ArrayList<>();
      long offset = 0;
      int n = 1;
      while (offset < item.size()) {
        ensureChunk();
        long free = max - TAR_EOF - used() - HEADER;
        if (free < MIN_CHUNK / 2) {
          closeChunk();
          continue;
        }
        long len = Math.min(free - free % 512, item.size() - offset);
        String entry = hexPath + String.format(java.util.Locale.ROOT, ".part-%04d", n++);
        writeEntry(entry, item, offset, len, md);
        parts.add(new ArchiveIndex.Part(name, entry, len));
        offset += len;
        if (offset < item.size()) {
          closeChunk();
        }
      }
      verify(item, md);
      inChunk.put(
          item.digest().toString(), new ArchiveIndex.Blob(item.size(), item.mediaType(), parts));
    }

    private static long pad(long n) {
      return (n + 511) / 512 * 512;
    }

    private long used() {
      return tar.getBytesWritten();
    }

    private void verify(Item item, MessageDigest md) {
      Digest got = Digest.of(item.digest().algorithm(), md);
      if (!got.equals(item.digest())) {
        throw new MirrorException(
            MirrorException.Kind.CORRUPT,
            "blob " + item.digest() + ": the source sent bytes whose digest is " + got);
      }
    }

    /** Streams {@code len} bytes of the item from {@code offset} into one entry, resuming reads. */
    private void writeEntry(String entry, Item item, long offset, long len, MessageDigest md)
        throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(entry);
      e.setSize(len);
      e.setModTime(0);
      e.setMode(0644);
      tar.putArchiveEntry(e);
      long done = 0;
      byte[] buf = new byte[1 << 20];
      int failures = 0;
      while (done < len) {
        try (InputStream in = item.source().open(offset + done)) {
          while (done < len) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, len - done));
            if (r < 0) {
              throw new java.io.EOFException("source ended early");
            }
            tar.write(buf, 0, r);
            md.update(buf, 0, r);
            done += r;
            listener.transferred(r);
          }
        } catch (IOException | MirrorException ex) {
          if (ex instanceof MirrorException me && me.kind() != MirrorException.Kind.UNREACHABLE) {
            throw me;
          }
          if (++failures >= retry.attempts()) {
            throw new MirrorException(
                MirrorException.Kind.UNREACHABLE,
                "blob "
                    + item.digest()
                    + ": "
                    + RegistryClient.describe(ex)
                    + " (gave up after "
                    + failures
                    + " attempts)",
                ex);
          }
          listener.note(
              "blob "
                  + item.digest().hex().substring(0, 12)
                  + ": resuming at "
                  + Sizes.human(offset + done)
                  + " ("
                  + RegistryClient.describe(ex)
                  + ")");
          retry.pause(failures);
        }
      }
      tar.closeArchiveEntry();
    }

    private void ensureChunk() throws IOException {
      if (tar != null) {
        return;
      }
      name = index.nextChunkName();
      Files.createDirectories(dir);
      tmp = dir.resolve("." + name + ".tmp");
      channel =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
      tar = new TarArchiveOutputStream(out, 512);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      byte[] header =
          ("{\"format\":\""
                  + ArchiveIndex.FORMAT
                  + "\",\"version\":"
                  + ArchiveIndex.VERSION
                  + ",\"chunk\":\""
                  + name
                  + "\",\"run\":"
                  + run
                  + "}\n")
              .getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(CHUNK_HEADER);
      e.setSize(header.length);
      e.setModTime(0);
      tar.putArchiveEntry(e);
      tar.write(header);
      tar.closeArchiveEntry();
    }

    /** Finishes the chunk: tar end, fsync, rename, SHA-256, then the index. */
    void closeChunk() throws IOException {
      if (tar == null) {
        return;
      }
      tar.finish();
      tar.flush();
      channel.force(true);
      tar.close();
      Path target = dir.resolve(name);
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.syncDirectory(dir);
      long size = Files.size(target);
      String sha = sha256(target);
      Map<String, ArchiveIndex.Blob> added = inChunk;
      index = index.withChunk(new ArchiveIndex.Chunk(name, size, sha, run), added);
      index.write(dir);
      written.add(name);
      listener.note("wrote " + name + " (" + Sizes.human(size) + ", " + added.size() + " blobs)");
      inChunk = new LinkedHashMap<>();
      tar = null;
      channel = null;
    }

    /** Drops the chunk being written (after a failure): the index never named it. */
    @Override
    public void close() {
      if (tar != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // dropping it anyway
        }
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a hidden temp file; the next run truncates it
        }
        tar = null;
      }
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md = Digest.hasher("sha256");
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      while (in.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  // ------------------------------------------------------------------ reading

  /**
   * The chunks of an archive opened for reading: entry offsets from each tar's headers, bytes read
   * with positional reads (safe from many threads).
   */
  static final class Reader implements AutoCloseable {
    private final Path dir;
    private final ArchiveIndex index;
    private final Map<String, FileChannel> open = new HashMap<>();
    private final Map<String, Map<String, long[]>> entries = new HashMap<>();

    Reader(Path dir, ArchiveIndex index) {
      this.dir = dir;
      this.index = index;
    }

    ArchiveIndex index() {
      return index;
    }

    /** Opens and checks every chunk these blobs need; names each missing or damaged one. */
    synchronized void open(List<String> digests) {
      List<String> missing = new ArrayList<>();
      for (String d : digests) {
        ArchiveIndex.Blob b = blob(d);
        for (ArchiveIndex.Part p : b.parts()) {
          if (open.containsKey(p.chunk()) || missing.contains(p.chunk())) {
            continue;
          }
          Path f = dir.resolve(p.chunk());
          if (!Files.isRegularFile(f)) {
            missing.add(p.chunk());
            continue;
          }
          openChunk(p.chunk(), f);
        }
      }
      if (!missing.isEmpty()) {
        throw new MirrorException(
            MirrorException.Kind.NOT_FOUND,
            "missing chunk(s) in "
                + dir
                + ": "
                + String.join(", ", missing)
                + " (copy every chunk that archive.json lists)");
      }
    }

    private void openChunk(String chunk, Path f) {
      ArchiveIndex.Chunk meta =
          index.chunks().stream().filter(c -> c.name().equals(chunk)).findFirst().orElse(null);
      try {
        long size = Files.size(f);
        if (meta != null && meta.size() != size) {
          throw new MirrorException(
              MirrorException.Kind.CORRUPT,
              "chunk " + chunk + " is damaged: " + size + " bytes, the index says " + meta.size());
        }
        Map<String, long[]> m = new HashMap<>();
        try (TarFile t = new TarFile(f)) {
          List<TarArchiveEntry> es = t.getEntries();
          if (es.isEmpty() || !es.get(0).getName().equals(CHUNK_HEADER)) {
            throw new MirrorException(
                MirrorException.Kind.CORRUPT, "chunk " + chunk + " is not an airgap archive chunk");
          }
          for (TarArchiveEntry e : es) {
            m.put(e.getName(), new long[] {e.getDataOffset(), e.getSize()});
          }
        }
        open.put(chunk, FileChannel.open(f, StandardOpenOption.READ));
        entries.put(chunk, m);
      } catch (IOException | RuntimeException e) {
        if (e instanceof MirrorException me) {
          throw me;
        }
        throw new MirrorException(
            MirrorException.Kind.CORRUPT, "chunk " + chunk + " is damaged: " + e.getMessage(), e);
      }
    }

    ArchiveIndex.Blob blob(String digest) {
      ArchiveIndex.Blob b = index.blobs().get(digest);
      if (b == null) {
        throw new MirrorException(
            MirrorException.Kind.CORRUPT, "archive.json lists no chunk for " + digest);
      }
      return b;
    }

    /** A re-openable source over a blob's parts. */
    BlobSource source(String digest) {
      ArchiveIndex.Blob b = blob(digest);
      String origin = " in chunk " + where(digest);
      return new BlobSource() {
        @Override
        public String origin() {
          return origin;
        }

        @Override
        public InputStream open(long offset) {
          List<InputStream> streams = new ArrayList<>();
          long skip = offset;
          for (ArchiveIndex.Part p : b.parts()) {
            long[] at = entries.get(p.chunk()).get(p.entry());
            if (at == null || at[1] != p.size()) {
              throw new MirrorException(
                  MirrorException.Kind.CORRUPT,
                  "chunk " + p.chunk() + " lacks entry " + p.entry() + " (or it has another size)");
            }
            if (skip >= p.size()) {
              skip -= p.size();
              continue;
            }
            streams.add(range(open.get(p.chunk()), at[0] + skip, p.size() - skip));
            skip = 0;
          }
          return new java.io.SequenceInputStream(java.util.Collections.enumeration(streams));
        }
      };
    }

    /** A manifest's bytes, re-hashed. */
    ManifestBlob manifest(String digest) {
      ArchiveIndex.Blob b = blob(digest);
      try (InputStream in = source(digest).open(0)) {
        byte[] bytes = in.readNBytes((int) b.size());
        return new ManifestBlob(Digest.parse(digest), b.mediaType(), bytes);
      } catch (IOException e) {
        throw new MirrorException(
            MirrorException.Kind.CORRUPT,
            "manifest " + digest + " in chunk " + b.parts().get(0).chunk() + ": " + e.getMessage(),
            e);
      } catch (MirrorException e) {
        throw new MirrorException(
            MirrorException.Kind.CORRUPT,
            "chunk " + b.parts().get(0).chunk() + ": " + e.getMessage(),
            e);
      }
    }

    /** Which chunk(s) hold a blob: for error messages. */
    String where(String digest) {
      return String.join(
          ", ", blob(digest).parts().stream().map(ArchiveIndex.Part::chunk).distinct().toList());
    }

    @Override
    public synchronized void close() {
      for (FileChannel c : open.values()) {
        try {
          c.close();
        } catch (IOException ignored) {
          // read-only
        }
      }
      open.clear();
    }
  }

  /** {@code len} bytes of a file from {@code pos}, by positional reads. */
  static InputStream range(FileChannel ch, long pos, long len) {
    return new InputStream() {
      long at = pos;
      long left = len;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int n) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int r = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(n, left)), at);
        if (r < 0) {
          throw new java.io.EOFException("chunk ends early");
        }
        at += r;
        left -= r;
        return r;
      }
    };
  }

  /** Items of manifests: their bytes in memory. */
  static Item manifestItem(ManifestBlob m) {
    return new Item(
        m.digest(),
        m.bytes().length,
        m.mediaType(),
        offset ->
            new ByteArrayInputStream(m.bytes(), (int) offset, m.bytes().length - (int) offset));
  }
}
