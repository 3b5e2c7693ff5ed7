package org.airgap.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.airgap.registry.api.Digest;
import org.airgap.websrv.io.AtomicFiles;

/**
 * {@link BlobStore} on a local file system, in the {@code blobs/} and {@code uploads/} folders of
 * {@link StorageLayout}. Uploads are appended to {@code uploads/<id>/data}; on commit the file is
 * fsynced, its digest checked and it is renamed to {@code blobs/<alg>/<xx>/<hex>} (same file
 * system, so the rename is atomic). A second commit of the same digest keeps the first file.
 *
 * <p>The sha256 of an upload is computed while its bytes arrive (the state stays in memory between
 * PATCH requests); after a restart, or for sha512, the file is read once more at commit.
 */
public final class FileBlobStore implements BlobStore {
  private static final Pattern UPLOAD_ID = Pattern.compile("[a-f0-9-]{36}");
  private static final int BUFFER = 256 * 1024;

  private final Path root;
  private final Map<String, UploadState> live = new ConcurrentHashMap<>();

  /**
   * Written bytes after which an upload's data file is flushed in the background while the upload
   * goes on, so that the fsync before the 201 finds little left to write: a 1 GiB body otherwise
   * waited ~0.3 s here, all of it after the last byte arrived.
   */
  static final long WRITEBACK_EVERY = 64L << 20;

  /** One thread for all background flushes: they are disk-bound, and best effort. */
  private static final ExecutorService WRITEBACK =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "registry-writeback");
            t.setDaemon(true);
            return t;
          });

  /**
   * In-memory progress of an upload: its lock, the sha256 of its first {@code hashed} bytes, and
   * what was written since the last background flush.
   */
  private static final class UploadState {
    MessageDigest sha256 = Digest.hasher("sha256");
    long hashed;
    long unflushed;
    final AtomicBoolean flushing = new AtomicBoolean();

    /** A request is appending right now: the purge leaves the upload alone. */
    volatile boolean writing;
  }

  private final long writebackEvery;
  private final AtomicLong writebacks = new AtomicLong();

  public FileBlobStore(Path root) {
    this(root, WRITEBACK_EVERY);
  }

  FileBlobStore(Path root, long writebackEvery) {
    this.root = root;
    this.writebackEvery = writebackEvery;
  }

  /** Background flushes done so far (tests). */
  long writebacks() {
    return writebacks.get();
  }

  Path blobFile(Digest d) {
    return root.resolve(StorageLayout.blobKey(d));
  }

  private Path uploadDir(String id) {
    return root.resolve(StorageLayout.uploadKey(id));
  }

  @Override
  public Optional<Long> size(Digest digest) throws IOException {
    try {
      return Optional.of(Files.size(blobFile(digest)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<BlobReader> open(Digest digest) throws IOException {
    FileChannel fc;
    try {
      fc = FileChannel.open(blobFile(digest), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(new FileReader(fc, fc.size()));
  }

  private record FileReader(FileChannel fc, long size) implements BlobReader {
    @Override
    public Optional<FileChannel> fileChannel() {
      return Optional.of(fc);
    }

    @Override
    public InputStream stream(long offset, long length) throws IOException {
      fc.position(offset);
      return new LimitedInputStream(Channels.newInputStream(fc), length) {
        @Override
        public void close() {
          // the channel is the reader's: it closes with the reader, not with one range of it
        }
      };
    }

    @Override
    public void close() {
      try {
        fc.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  @Override
  public boolean put(Digest digest, byte[] bytes) throws IOException {
    if (!digest.recompute(bytes).equals(digest)) {
      return false;
    }
    Path target = blobFile(digest);
    if (touch(digest)) {
      return true;
    }
    AtomicFiles.write(target, bytes, AtomicFiles.PUBLIC);
    return true;
  }

  @Override
  public boolean touch(Digest digest) throws IOException {
    try {
      Files.setLastModifiedTime(blobFile(digest), FileTime.fromMillis(System.currentTimeMillis()));
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public void forEach(BlobVisitor visitor) throws IOException {
    Path blobs = root.resolve("blobs");
    for (String alg : listNames(blobs)) {
      for (String prefix : listNames(blobs.resolve(alg))) {
        for (String hex : listNames(blobs.resolve(alg).resolve(prefix))) {
          Digest d;
          try {
            d = Digest.parse(alg + ":" + hex);
          } catch (RuntimeException e) {
            continue; // not a blob (a temp file of a crashed write: see sweepTemp)
          }
          try {
            BasicFileAttributes a = Files.readAttributes(blobFile(d), BasicFileAttributes.class);
            visitor.visit(new BlobInfo(d, a.size(), a.lastModifiedTime().toMillis()));
          } catch (NoSuchFileException e) {
            // deleted meanwhile
          }
        }
      }
    }
  }

  /** The names in {@code dir}, but dot files; empty if it is not there. */
  static List<String> listNames(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".")) {
          out.add(n);
        }
      }
    } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  /**
   * Moves the blob aside ({@code blobs/<alg>/<xx>/.gc-<hex>}, one rename), then looks at its
   * modification time: a touch that came before the move shows there, and the blob is moved back; a
   * touch after the move finds no blob (the manifest PUT fails with MANIFEST_BLOB_UNKNOWN, the
   * client pushes the blob again). Only a blob still untouched is deleted.
   */
  @Override
  public long deleteIfUntouchedSince(Digest digest, long cutoffMillis) throws IOException {
    Path blob = blobFile(digest);
    Path aside = blob.resolveSibling(".gc-" + digest.hex());
    try {
      Files.move(blob, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return 0;
    }
    BasicFileAttributes a = Files.readAttributes(aside, BasicFileAttributes.class);
    if (a.lastModifiedTime().toMillis() >= cutoffMillis) {
      Files.move(aside, blob, StandardCopyOption.ATOMIC_MOVE); // same bytes if re-pushed meanwhile
      return 0;
    }
    Files.delete(aside);
    return a.size();
  }

  @Override
  public Optional<String> quarantine(Digest digest) throws IOException {
    Path dir = root.resolve("quarantine");
    Files.createDirectories(dir);
    Path to =
        dir.resolve(digest.algorithm() + "-" + digest.hex() + "." + System.currentTimeMillis());
    try {
      Files.move(blobFile(digest), to, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    AtomicFiles.syncDirectory(dir);
    AtomicFiles.syncDirectory(blobFile(digest).getParent());
    return Optional.of(root.relativize(to).toString());
  }

  /**
   * After a crash: puts back blobs a garbage collection had moved aside ({@code .gc-<hex>}) when it
   * died, and removes temp files of writes that never finished (older than an hour). Runs at start
   * and before every GC; safe beside a running registry.
   */
  public void recover() throws IOException {
    long old = System.currentTimeMillis() - 3_600_000L;
    Path blobs = root.resolve("blobs");
    for (String alg : listNames(blobs)) {
      for (String prefix : listNames(blobs.resolve(alg))) {
        Path dir = blobs.resolve(alg).resolve(prefix);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*")) {
          for (Path p : ds) {
            String n = p.getFileName().toString();
            try {
              if (n.startsWith(".gc-")) {
                Path blob = dir.resolve(n.substring(4));
                if (Files.exists(blob)) {
                  Files.deleteIfExists(p);
                } else {
                  Files.move(p, blob, StandardCopyOption.ATOMIC_MOVE);
                }
              } else if (n.endsWith(".tmp") && Files.getLastModifiedTime(p).toMillis() < old) {
                Files.deleteIfExists(p);
              }
            } catch (NoSuchFileException e) {
              // a running GC finished with it
            }
          }
        } catch (NoSuchFileException e) {
          // removed meanwhile
        }
      }
    }
  }

  @Override
  public List<String> purgeUploads(long maxAgeMillis) throws IOException {
    long cutoff = System.currentTimeMillis() - maxAgeMillis;
    List<String> purged = new ArrayList<>();
    for (String id : listNames(root.resolve("uploads"))) {
      if (!UPLOAD_ID.matcher(id).matches()) {
        continue;
      }
      UploadState st = live.get(id);
      if (st != null && st.writing) {
        continue;
      }
      Path dir = uploadDir(id);
      long touched;
      try {
        touched = Files.getLastModifiedTime(dir).toMillis();
      } catch (NoSuchFileException e) {
        continue; // finished meanwhile
      }
      try {
        touched = Math.max(touched, Files.getLastModifiedTime(dir.resolve("data")).toMillis());
      } catch (NoSuchFileException e) {
        // being created (or a crash between mkdir and the data file): the folder's time counts
      }
      if (touched >= cutoff) {
        continue;
      }
      UploadState lock = live.computeIfAbsent(id, k -> new UploadState());
      synchronized (lock) {
        if (lock.writing) {
          continue;
        }
        new FileUpload(id).removeUpload();
      }
      purged.add(id);
    }
    return purged;
  }

  @Override
  public BlobUpload newUpload() throws IOException {
    String id = UUID.randomUUID().toString();
    Path dir = uploadDir(id);
    try {
      Files.createDirectories(dir);
      Files.createFile(dir.resolve("data"));
      AtomicFiles.writeString(
          dir.resolve("startedat"), Long.toString(System.currentTimeMillis()), AtomicFiles.PUBLIC);
    } catch (IOException e) {
      new FileUpload(id).removeUpload(); // disk full: leave nothing behind
      throw e;
    }
    live.put(id, new UploadState());
    return new FileUpload(id);
  }

  @Override
  public Optional<BlobUpload> upload(String id) throws IOException {
    if (!UPLOAD_ID.matcher(id).matches() || !Files.isRegularFile(uploadDir(id).resolve("data"))) {
      return Optional.empty();
    }
    return Optional.of(new FileUpload(id));
  }

  @Override
  public boolean delete(Digest digest) throws IOException {
    return Files.deleteIfExists(blobFile(digest));
  }

  private final class FileUpload implements BlobUpload {
    private final String id;

    FileUpload(String id) {
      this.id = id;
    }

    private Path data() {
      return uploadDir(id).resolve("data");
    }

    /** The per-upload state; also the lock that serializes appends and commit. */
    private UploadState state() {
      return live.computeIfAbsent(id, k -> new UploadState());
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public long size() throws IOException {
      try {
        return Files.size(data());
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException("upload " + id + " is gone");
      }
    }

    @Override
    public long startedAtMillis() throws IOException {
      try {
        return Long.parseLong(
            Files.readString(uploadDir(id).resolve("startedat"), StandardCharsets.UTF_8).strip());
      } catch (NoSuchFileException | NumberFormatException e) {
        return Files.getLastModifiedTime(data()).toMillis();
      }
    }

    @Override
    public long append(InputStream in, long expectedStart) throws IOException {
      UploadState st = state();
      synchronized (st) {
        try (FileChannel fc = FileChannel.open(data(), StandardOpenOption.WRITE)) {
          long size = fc.size();
          if (expectedStart >= 0 && expectedStart != size) {
            throw new OffsetMismatch(size);
          }
          fc.position(size);
          boolean hashing = st.hashed == size;
          byte[] buf = new byte[BUFFER];
          ByteBuffer bb = ByteBuffer.wrap(buf);
          int n;
          st.writing = true;
          boolean ok = false;
          try {
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
              bb.clear().limit(n);
              while (bb.hasRemaining()) {
                fc.write(bb);
              }
              if (hashing) {
                st.sha256.update(buf, 0, n);
                st.hashed += n;
              }
              st.unflushed += n;
              if (st.unflushed >= writebackEvery && st.flushing.compareAndSet(false, true)) {
                st.unflushed = 0;
                writeBack(data(), st);
              }
            }
            ok = true;
          } finally {
            st.writing = false;
            if (!ok) {
              // a failed chunk (client gone, disk full) leaves nothing: the upload stays at the
              // size it had, so the client can retry the chunk from the Range it last saw
              truncateQuietly(fc, size);
            }
            if (!hashing || st.hashed != fc.size()) {
              st.hashed = -1; // the in-memory hash no longer matches the file: re-read at commit
            }
          }
          return fc.size();
        } catch (NoSuchFileException e) {
          live.remove(id);
          throw new NoSuchFileException("upload " + id + " is gone");
        }
      }
    }

    /** fdatasync of what was written so far, off the request's thread; failures don't matter. */
    private void writeBack(Path data, UploadState st) {
      try {
        WRITEBACK.execute(
            () -> {
              try (FileChannel c = FileChannel.open(data, StandardOpenOption.WRITE)) {
                c.force(false);
                writebacks.incrementAndGet();
              } catch (IOException | RuntimeException e) {
                // the upload was finished, cancelled or purged meanwhile: commit syncs anyway
              } finally {
                st.flushing.set(false);
              }
            });
      } catch (RejectedExecutionException e) {
        st.flushing.set(false);
      }
    }

    @Override
    public Digest commit(Digest expected) throws IOException {
      UploadState st = state();
      synchronized (st) {
        Path data = data();
        Digest actual;
        try (FileChannel fc = FileChannel.open(data, StandardOpenOption.WRITE)) {
          fc.force(true);
          if (expected.algorithm().equals("sha256") && st.hashed == fc.size()) {
            actual = Digest.of("sha256", st.sha256);
          } else {
            actual = hashFile(data, expected.algorithm());
          }
        } catch (NoSuchFileException e) {
          throw new NoSuchFileException("upload " + id + " is gone");
        }
        if (actual.equals(expected) && !touch(actual)) {
          Path target = blobFile(actual);
          Files.createDirectories(target.getParent());
          // the data file's time is its last write, maybe long ago: a GC must see the blob as new
          // from the instant it appears, so the time is set before the move
          Files.setLastModifiedTime(data, FileTime.fromMillis(System.currentTimeMillis()));
          try {
            Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
          } catch (FileAlreadyExistsException e) {
            // a concurrent push of the same blob won: same bytes
          } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("uploads and blobs must be on one file system", e);
          }
          AtomicFiles.syncDirectory(target.getParent());
        }
        removeUpload();
        return actual;
      }
    }

    @Override
    public void cancel() throws IOException {
      UploadState st = state();
      synchronized (st) {
        removeUpload();
      }
    }

    private void removeUpload() throws IOException {
      Path dir = uploadDir(id);
      Files.deleteIfExists(dir.resolve("data"));
      Files.deleteIfExists(dir.resolve("startedat"));
      Files.deleteIfExists(dir);
      live.remove(id);
    }
  }

  private static void truncateQuietly(FileChannel fc, long size) {
    try {
      fc.truncate(size);
    } catch (IOException e) {
      // the size check of the next chunk (416 with Range) still keeps the client right
    }
  }

  static Digest hashFile(Path file, String algorithm) throws IOException {
    MessageDigest md = Digest.hasher(algorithm);
    try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
      while (fc.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return Digest.of(algorithm, md);
  }
}
