package org.airgap.registry.storage.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.airgap.registry.api.Digest;
import org.airgap.registry.storage.BlobStore;
import org.airgap.registry.storage.StorageLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * {@link BlobStore} on an S3 bucket, for several airgap instances at once. Object keys, under the
 * bucket's prefix:
 *
 * <pre>
 * blobs/sha256/3f/3fa2…e9            the blob, written once under its digest (never rewritten)
 * touched/sha256/3fa2…e9             empty; its time is the blob's last touch (GC, see below)
 * gc/sha256/3fa2…e9                  empty; a GC is deciding about this blob right now
 * uploads/&lt;uuid&gt;/state              the upload record (JSON): S3 multipart upload id, parts, size
 * uploads/&lt;uuid&gt;/tail-&lt;random&gt;      bytes after the last full part (parts are ≥ 5 MiB)
 * uploads/&lt;uuid&gt;/data               the multipart upload's object, completed at commit
 * quarantine/sha256-&lt;hex&gt;.&lt;millis&gt;  blobs fsck --repair found corrupt
 * </pre>
 *
 * <h2>Uploads</h2>
 *
 * An OCI upload maps onto an S3 multipart upload: chunks of any size are cut into parts of {@code
 * partSize} (≥ 5 MiB); what is left after the last full part goes to a tail object and is read back
 * at the start of the next chunk. The record in the bucket has everything, so a chunked upload
 * started on one instance continues on another. The sha256 is computed as the bytes pass, in
 * memory; when an upload moved between instances (the in-memory hash does not cover the record's
 * size) the completed object is read back once before commit ("re-read"; the JDK's SHA-256 cannot
 * export its state, and BouncyCastle's exportable one runs at a fifth of the speed on every
 * upload). A blob smaller than one part never becomes a multipart upload: one PUT. At commit the
 * digest is checked and the object is copied once under its digest (skipped when it is there).
 *
 * <h2>Garbage collection across instances</h2>
 *
 * S3 has no atomic rename, so the file store's "move aside, look, move back" becomes a tombstone:
 * {@link #touch} writes the touch marker, then waits while a fresh tombstone is there, then checks
 * that the blob exists; {@link #deleteIfUntouchedSince} writes the tombstone, reads the touch
 * times, deletes the blob only if untouched, and removes the tombstone. Either the touch lands
 * before the GC reads it (the blob stays), or the touch sees the blob gone (the manifest PUT fails
 * with MANIFEST_BLOB_UNKNOWN and the client pushes the blob again). A tombstone older than a minute
 * belongs to a GC that died and is ignored; a GC that took longer than 30 s between its tombstone
 * and the delete keeps the blob.
 *
 * <p>"Blob exists" answers are cached for {@code existsTtl} (shorter than the GC grace period; the
 * manifest PUT's touch never uses the cache).
 */
public final class S3BlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern UPLOAD_ID = Pattern.compile("[a-f0-9-]{36}");

  /** S3's minimum part size (but the last). */
  public static final int MIN_PART = 5 << 20;

  private static final long MAX_COPY = 5L << 30;
  private static final long TOMBSTONE_STALE_MILLIS = 60_000;
  private static final long GC_DECIDE_MILLIS = 30_000;
  private static final int SMALL = 1 << 20;

  private final S3Bucket bucket;
  private final int partSize;
  private final long existsTtlMillis;
  private final Semaphore buffers;
  private final ConcurrentLinkedQueue<byte[]> pool = new ConcurrentLinkedQueue<>();
  private final Map<String, Local> local = new ConcurrentHashMap<>();
  private final Map<Digest, long[]> exists = new ConcurrentHashMap<>();
  private final LongAdder rehashed = new LongAdder();
  private final LongAdder rehashedBytes = new LongAdder();

  /** This instance's view of an upload: its lock, the running sha256, whether a request writes. */
  private static final class Local {
    MessageDigest sha256;
    long hashed = -1;
    volatile boolean writing;
  }

  /**
   * @param partSize S3 part size, ≥ 5 MiB; also the memory one appending request holds
   * @param existsTtl how long a "blob exists" answer is reused (must be shorter than the GC grace)
   */
  public S3BlobStore(S3Bucket bucket, int partSize, Duration existsTtl) {
    if (partSize < MIN_PART) {
      throw new IllegalArgumentException("part size must be at least 5 MiB");
    }
    this.bucket = bucket;
    this.partSize = partSize;
    this.existsTtlMillis = existsTtl.toMillis();
    long budget = Runtime.getRuntime().maxMemory() / 4 / partSize;
    this.buffers = new Semaphore((int) Math.max(2, Math.min(32, budget)));
  }

  /** 8 MiB parts, exists answers cached for 30 s. */
  public S3BlobStore(S3Bucket bucket) {
    this(bucket, 8 << 20, Duration.ofSeconds(30));
  }

  public S3Bucket bucket() {
    return bucket;
  }

  /** Uploads whose bytes were read back at commit because they moved between instances. */
  public long rehashedUploads() {
    return rehashed.sum();
  }

  public long rehashedBytes() {
    return rehashedBytes.sum();
  }

  private String blobKey(Digest d) {
    return bucket.key(StorageLayout.blobKey(d));
  }

  private String touchKey(Digest d) {
    return bucket.key("touched/" + d.algorithm() + "/" + d.hex());
  }

  private String tombKey(Digest d) {
    return bucket.key("gc/" + d.algorithm() + "/" + d.hex());
  }

  private String uploadPrefix(String id) {
    return bucket.key(StorageLayout.uploadKey(id)) + "/";
  }

  // ---- blobs -------------------------------------------------------------------------------

  @Override
  public Optional<Long> size(Digest digest) throws IOException {
    long[] hit = exists.get(digest);
    long now = System.currentTimeMillis();
    if (hit != null && now - hit[1] < existsTtlMillis) {
      return Optional.of(hit[0]);
    }
    Optional<S3Bucket.Head> h = bucket.head(blobKey(digest));
    if (h.isPresent()) {
      exists.put(digest, new long[] {h.get().size(), now});
    } else {
      exists.remove(digest);
    }
    return h.map(S3Bucket.Head::size);
  }

  @Override
  public Optional<BlobReader> open(Digest digest) throws IOException {
    Optional<Long> size = size(digest);
    if (size.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Reader(blobKey(digest), size.get()));
  }

  /** Reads ranges of an object; each {@link #stream} is one ranged GET. */
  private final class Reader implements BlobReader {
    private final String key;
    private final long size;

    Reader(String key, long size) {
      this.key = key;
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public Optional<FileChannel> fileChannel() {
      return Optional.empty();
    }

    @Override
    public InputStream stream(long offset, long length) throws IOException {
      return rangeStream(key, offset, length);
    }

    @Override
    public void close() {
      // each stream closes itself
    }
  }

  /**
   * {@code [offset, offset + length)} of an object. Closing the stream before its end aborts the
   * connection rather than draining gigabytes the client no longer wants.
   */
  InputStream rangeStream(String key, long offset, long length) throws IOException {
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    ResponseInputStream<GetObjectResponse> object;
    try {
      object =
          bucket.call(
              () ->
                  bucket
                      .client()
                      .getObject(
                          b ->
                              b.bucket(bucket.bucket())
                                  .key(key)
                                  .range("bytes=" + offset + "-" + (offset + length - 1))));
    } catch (IOException e) {
      if (S3Bucket.notFound(e)) {
        throw new NoSuchFileException(key);
      }
      throw e;
    }
    return new org.airgap.registry.storage.LimitedInputStream(object, length) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException e) {
          throw new org.airgap.registry.storage.StorageUnavailableException(
              "S3 read of " + key + " failed: " + e.getMessage(), e);
        }
      }

      @Override
      public void close() throws IOException {
        if (remaining() > 0) {
          object.abort(); // don't read the rest of the object only to reuse the connection
        }
        object.close();
      }
    };
  }

  @Override
  public boolean put(Digest digest, byte[] bytes) throws IOException {
    if (!digest.recompute(bytes).equals(digest)) {
      return false;
    }
    storeOnce(digest, bytes.length, () -> bucket.put(blobKey(digest), bytes));
    return true;
  }

  /**
   * Writes a blob unless it is there; when it is, touches it instead (a GC running now keeps it). A
   * new object's own time is its touch.
   */
  private void storeOnce(Digest digest, long size, S3Bucket.Call<?> write) throws IOException {
    if (bucket.head(blobKey(digest)).isEmpty() || !touch(digest)) {
      write.run();
    }
    exists.put(digest, new long[] {size, System.currentTimeMillis()});
  }

  @Override
  public boolean touch(Digest digest) throws IOException {
    bucket.put(touchKey(digest), new byte[0]);
    long deadline = System.currentTimeMillis() + TOMBSTONE_STALE_MILLIS + 5_000;
    while (true) {
      Optional<S3Bucket.Head> tomb = bucket.head(tombKey(digest));
      if (tomb.isEmpty()
          || System.currentTimeMillis() - bucket.localMillis(tomb.get().modified())
              > TOMBSTONE_STALE_MILLIS
          || System.currentTimeMillis() > deadline) {
        break;
      }
      sleep(200); // a GC is deciding about this blob: wait for its answer
    }
    Optional<S3Bucket.Head> h = bucket.head(blobKey(digest));
    if (h.isPresent()) {
      exists.put(digest, new long[] {h.get().size(), System.currentTimeMillis()});
    } else {
      exists.remove(digest);
    }
    return h.isPresent();
  }

  @Override
  public void forEach(BlobVisitor visitor) throws IOException {
    Map<String, Long> touched = new HashMap<>();
    String tp = bucket.key("touched/");
    bucket.listAll(
        tp, o -> touched.put(o.key().substring(tp.length()), bucket.localMillis(o.lastModified())));
    String bp = bucket.key("blobs/");
    bucket.listAll(
        bp,
        o -> {
          String[] parts = o.key().substring(bp.length()).split("/");
          if (parts.length != 3) {
            return;
          }
          Digest d;
          try {
            d = Digest.parse(parts[0] + ":" + parts[2]);
          } catch (RuntimeException e) {
            return;
          }
          long t = bucket.localMillis(o.lastModified());
          Long tt = touched.get(parts[0] + "/" + parts[2]);
          visitor.visit(new BlobInfo(d, o.size(), tt == null ? t : Math.max(t, tt)));
        });
  }

  @Override
  public long deleteIfUntouchedSince(Digest digest, long cutoffMillis) throws IOException {
    String tomb = tombKey(digest);
    long start = System.currentTimeMillis();
    bucket.put(tomb, new byte[0]);
    try {
      Optional<S3Bucket.Head> blob = bucket.head(blobKey(digest));
      if (blob.isEmpty() || bucket.localMillis(blob.get().modified()) >= cutoffMillis) {
        return 0;
      }
      Optional<S3Bucket.Head> t = bucket.head(touchKey(digest));
      if (t.isPresent() && bucket.localMillis(t.get().modified()) >= cutoffMillis) {
        return 0;
      }
      if (System.currentTimeMillis() - start > GC_DECIDE_MILLIS) {
        return 0; // a toucher may have given up waiting: keep it, the next run decides
      }
      exists.remove(digest);
      bucket.delete(blobKey(digest));
      bucket.delete(touchKey(digest));
      return blob.get().size();
    } finally {
      bucket.delete(tomb);
    }
  }

  @Override
  public Optional<String> quarantine(Digest digest) throws IOException {
    Optional<S3Bucket.Head> h = bucket.head(blobKey(digest));
    if (h.isEmpty()) {
      return Optional.empty();
    }
    String to =
        "quarantine/" + digest.algorithm() + "-" + digest.hex() + "." + System.currentTimeMillis();
    copy(blobKey(digest), bucket.key(to), h.get().size());
    exists.remove(digest);
    bucket.delete(blobKey(digest));
    return Optional.of(to);
  }

  @Override
  public boolean delete(Digest digest) throws IOException {
    exists.remove(digest);
    if (bucket.head(blobKey(digest)).isEmpty()) {
      return false;
    }
    bucket.delete(blobKey(digest));
    bucket.delete(touchKey(digest));
    return true;
  }

  /** Server-side copy; above 5 GiB (CopyObject's limit) as a multipart copy of 1 GiB parts. */
  private void copy(String from, String to, long size) throws IOException {
    if (size <= MAX_COPY) {
      bucket.call(
          () ->
              bucket
                  .client()
                  .copyObject(
                      b ->
                          b.sourceBucket(bucket.bucket())
                              .sourceKey(from)
                              .destinationBucket(bucket.bucket())
                              .destinationKey(to)));
      return;
    }
    String mpu = bucket.createMultipart(to);
    List<CompletedPart> parts = new ArrayList<>();
    long step = 1L << 30;
    try {
      for (long off = 0; off < size; off += step) {
        int n = parts.size() + 1;
        String range = "bytes=" + off + "-" + (Math.min(size, off + step) - 1);
        String etag = bucket.uploadPartCopy(from, to, mpu, n, range);
        parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
      }
      bucket.completeMultipart(to, mpu, parts);
    } catch (IOException | RuntimeException e) {
      abortQuietly(to, mpu);
      throw e;
    }
  }

  // ---- uploads -----------------------------------------------------------------------------

  /** The upload record, as stored in {@code uploads/<id>/state}. */
  record Part(int n, long size, String etag) {}

  record State(long started, String mpu, List<Part> parts, long tail, String tailName) {
    State {
      parts = List.copyOf(parts);
    }

    long partBytes() {
      return parts.stream().mapToLong(Part::size).sum();
    }

    long size() {
      return partBytes() + tail;
    }
  }

  private record Loaded(State state, String etag) {}

  /** The record as it was, with the multipart upload now created. */
  private static State withMpu(State st, String mpu) {
    return new State(st.started(), mpu, st.parts(), st.tail(), st.tailName());
  }

  private Optional<Loaded> load(String id) throws IOException {
    Optional<S3Bucket.Value> v = bucket.get(uploadPrefix(id) + "state");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    var n = JSON.readTree(v.get().bytes());
    List<Part> parts = new ArrayList<>();
    for (var p : n.path("parts")) {
      parts.add(new Part(p.path("n").asInt(), p.path("size").asLong(), p.path("etag").asText()));
    }
    String mpu = n.path("mpu").isTextual() ? n.path("mpu").asText() : null;
    return Optional.of(
        new Loaded(
            new State(
                n.path("started").asLong(),
                mpu,
                parts,
                n.path("tail").asLong(),
                n.path("tailName").asText("")),
            v.get().etag()));
  }

  private String save(String id, State s, Optional<String> etag) throws IOException {
    var n = JSON.createObjectNode();
    n.put("started", s.started());
    if (s.mpu() != null) {
      n.put("mpu", s.mpu());
    }
    var arr = n.putArray("parts");
    for (Part p : s.parts()) {
      arr.addObject().put("n", p.n()).put("size", p.size()).put("etag", p.etag());
    }
    n.put("tail", s.tail());
    n.put("tailName", s.tailName());
    n.put("size", s.size());
    return bucket.putIf(uploadPrefix(id) + "state", JSON.writeValueAsBytes(n), etag);
  }

  /**
   * A tail object: named afresh by every chunk that writes one, so a chunk that loses a race with
   * another instance never overwrites the tail the winner's record points at.
   */
  private String tailKey(String id, String name) {
    return uploadPrefix(id) + name;
  }

  @Override
  public BlobUpload newUpload() throws IOException {
    String id = UUID.randomUUID().toString();
    save(id, new State(System.currentTimeMillis(), null, List.of(), 0, ""), Optional.empty());
    Local l = new Local();
    l.sha256 = Digest.hasher("sha256");
    l.hashed = 0;
    local.put(id, l);
    return new Upload(id);
  }

  @Override
  public Optional<BlobUpload> upload(String id) throws IOException {
    if (!UPLOAD_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return bucket.head(uploadPrefix(id) + "state").isPresent()
        ? Optional.of(new Upload(id))
        : Optional.empty();
  }

  @Override
  public List<String> purgeUploads(long maxAgeMillis) throws IOException {
    long cutoff = System.currentTimeMillis() - maxAgeMillis;
    List<String> purged = new ArrayList<>();
    String root = bucket.key("uploads/");
    for (String id : bucket.children(root)) {
      if (!UPLOAD_ID.matcher(id).matches()) {
        continue;
      }
      Local l = local.get(id);
      if (l != null && l.writing) {
        continue;
      }
      long[] newest = {Long.MIN_VALUE};
      bucket.listAll(
          uploadPrefix(id),
          o -> newest[0] = Math.max(newest[0], bucket.localMillis(o.lastModified())));
      if (newest[0] == Long.MIN_VALUE || newest[0] >= cutoff) {
        continue;
      }
      Local lock = local.computeIfAbsent(id, k -> new Local());
      synchronized (lock) {
        if (lock.writing) {
          continue;
        }
        removeUpload(id, load(id).map(x -> x.state().mpu()));
      }
      purged.add(id);
    }
    // multipart uploads whose record is gone (a crash between commit steps)
    for (MultipartUpload m :
        bucket
            .call(
                () ->
                    bucket
                        .client()
                        .listMultipartUploads(b -> b.bucket(bucket.bucket()).prefix(root)))
            .uploads()) {
      String rest = m.key().substring(root.length());
      String id = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
      if (bucket.head(uploadPrefix(id) + "state").isEmpty()) {
        abortQuietly(m.key(), m.uploadId());
      }
    }
    return purged;
  }

  private void abortQuietly(String key, String mpu) {
    try {
      bucket.abortMultipart(key, mpu);
    } catch (IOException e) {
      LOG.debug("abort of {} {}: {}", key, mpu, e.toString());
    }
  }

  /** Aborts the multipart upload and deletes every object of the upload; the record last. */
  private void removeUpload(String id, Optional<String> mpu) throws IOException {
    String p = uploadPrefix(id);
    mpu.ifPresent(m -> abortQuietly(p + "data", m));
    List<String> keys = new ArrayList<>();
    bucket.listAll(p, o -> keys.add(o.key()));
    for (String k : keys) {
      if (!k.endsWith("/state")) {
        bucket.delete(k);
      }
    }
    bucket.delete(p + "state");
    local.remove(id);
  }

  private byte[] bigBuffer() throws IOException {
    try {
      buffers.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for an upload buffer");
    }
    byte[] b = pool.poll();
    return b != null ? b : new byte[partSize];
  }

  private void release(byte[] b) {
    if (b.length == partSize) {
      pool.offer(b);
      buffers.release();
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
  }

  private final class Upload implements BlobUpload {
    private final String id;

    Upload(String id) {
      this.id = id;
    }

    private Local lock() {
      return local.computeIfAbsent(id, k -> new Local());
    }

    private Loaded loaded() throws IOException {
      return load(id).orElseThrow(() -> new NoSuchFileException("upload " + id + " is gone"));
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public long size() throws IOException {
      return loaded().state().size();
    }

    @Override
    public long startedAtMillis() throws IOException {
      return loaded().state().started();
    }

    @Override
    public long append(InputStream in, long expectedStart) throws IOException {
      try {
        return appendLocked(in, expectedStart);
      } catch (S3Bucket.PreconditionFailed e) {
        // another instance changed the record meanwhile (conditional writes): not this chunk
        lock().hashed = -1;
        throw new OffsetMismatch(loaded().state().size());
      }
    }

    private long appendLocked(InputStream in, long expectedStart) throws IOException {
      Local l = lock();
      synchronized (l) {
        Loaded ld = loaded();
        State st = ld.state();
        long size = st.size();
        if (expectedStart >= 0 && expectedStart != size) {
          throw new OffsetMismatch(size);
        }
        MessageDigest md = null;
        if (l.sha256 != null && l.hashed == size) {
          try {
            md = (MessageDigest) l.sha256.clone(); // kept intact if this chunk fails
          } catch (CloneNotSupportedException e) {
            md = null;
          }
        }
        l.writing = true;
        byte[] small = new byte[SMALL];
        byte[] buf = small;
        try {
          int fill = 0;
          if (st.tail() > 0) {
            try (InputStream t = rangeStream(tailKey(id, st.tailName()), 0, st.tail())) {
              if (st.tail() > SMALL) {
                buf = bigBuffer();
              }
              fill = t.readNBytes(buf, 0, (int) st.tail());
            }
            if (fill != st.tail()) {
              throw new IOException("upload " + id + ": tail shorter than its record");
            }
          }
          List<Part> parts = new ArrayList<>(st.parts());
          String mpu = st.mpu();
          String etag = ld.etag();
          long lastBeat = System.currentTimeMillis();
          while (true) {
            int n = in.readNBytes(buf, fill, buf.length - fill);
            if (md != null && n > 0) {
              md.update(buf, fill, n);
            }
            fill += n;
            if (fill < buf.length) {
              break; // end of the chunk
            }
            if (buf == small) {
              byte[] big = bigBuffer();
              System.arraycopy(small, 0, big, 0, fill);
              buf = big;
              continue;
            }
            // a full part
            if (mpu == null) {
              mpu = bucket.createMultipart(uploadPrefix(id) + "data");
              etag = save(id, withMpu(st, mpu), Optional.of(etag));
            }
            int number = parts.size() + 1;
            String partEtag = bucket.uploadPart(uploadPrefix(id) + "data", mpu, number, buf);
            parts.add(new Part(number, buf.length, partEtag));
            fill = 0;
            if (System.currentTimeMillis() - lastBeat > 300_000) {
              // a long chunk: keep the record young, so no purge on any instance takes it
              etag = save(id, withMpu(st, mpu), Optional.of(etag));
              lastBeat = System.currentTimeMillis();
            }
          }
          String tailName = "";
          if (fill > 0) {
            tailName = "tail-" + UUID.randomUUID().toString().substring(0, 13);
            bucket.put(tailKey(id, tailName), java.util.Arrays.copyOf(buf, fill));
          }
          State next = new State(st.started(), mpu, parts, fill, tailName);
          try {
            save(id, next, Optional.of(etag));
          } catch (S3Bucket.PreconditionFailed e) {
            // another instance appended to this upload meanwhile: this chunk does not count
            l.hashed = -1;
            if (!tailName.isEmpty()) {
              bucket.delete(tailKey(id, tailName));
            }
            throw new OffsetMismatch(loaded().state().size());
          }
          if (!st.tailName().isEmpty()) {
            bucket.delete(tailKey(id, st.tailName()));
          }
          if (md != null) {
            l.sha256 = md;
            l.hashed = next.size();
          } else {
            l.hashed = -1;
          }
          return next.size();
        } finally {
          l.writing = false;
          if (buf != small) {
            release(buf);
          }
        }
      }
    }

    @Override
    public Digest commit(Digest expected) throws IOException {
      Local l = lock();
      synchronized (l) {
        State st = loaded().state();
        String data = uploadPrefix(id) + "data";
        Digest actual;
        if (st.parts().isEmpty()) {
          // smaller than a part: one object, hashed here, PUT under its digest
          byte[] bytes;
          try (InputStream t = rangeStream(tailKey(id, st.tailName()), 0, st.tail())) {
            bytes = t.readAllBytes();
          }
          MessageDigest md = Digest.hasher(expected.algorithm());
          md.update(bytes);
          actual = Digest.of(expected.algorithm(), md);
          if (actual.equals(expected)) {
            Digest d = actual;
            storeOnce(d, bytes.length, () -> bucket.put(blobKey(d), bytes));
          }
          removeUpload(id, Optional.ofNullable(st.mpu()));
          return actual;
        }
        List<CompletedPart> parts = new ArrayList<>();
        for (Part p : st.parts()) {
          parts.add(CompletedPart.builder().partNumber(p.n()).eTag(p.etag()).build());
        }
        if (st.tail() > 0) {
          byte[] tail;
          try (InputStream t = rangeStream(tailKey(id, st.tailName()), 0, st.tail())) {
            tail = t.readAllBytes();
          }
          int number = st.parts().size() + 1;
          String etag = bucket.uploadPart(data, st.mpu(), number, tail);
          parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        bucket.completeMultipart(data, st.mpu(), parts);
        if (expected.algorithm().equals("sha256") && l.sha256 != null && l.hashed == st.size()) {
          actual = Digest.of("sha256", l.sha256);
        } else {
          // the upload moved between instances (or sha512): read the assembled object once
          MessageDigest md = Digest.hasher(expected.algorithm());
          byte[] b = new byte[256 * 1024];
          try (InputStream in = rangeStream(data, 0, st.size())) {
            int n;
            while ((n = in.read(b)) > 0) {
              md.update(b, 0, n);
            }
          }
          actual = Digest.of(expected.algorithm(), md);
          rehashed.increment();
          rehashedBytes.add(st.size());
        }
        if (actual.equals(expected)) {
          Digest d = actual;
          storeOnce(
              d,
              st.size(),
              () -> {
                copy(data, blobKey(d), st.size());
                return null;
              });
        }
        removeUpload(id, Optional.empty());
        return actual;
      }
    }

    @Override
    public void cancel() throws IOException {
      Local l = lock();
      synchronized (l) {
        Optional<Loaded> ld = load(id);
        if (ld.isEmpty()) {
          local.remove(id);
          return;
        }
        removeUpload(id, Optional.ofNullable(ld.get().state().mpu()));
      }
    }
  }
}
