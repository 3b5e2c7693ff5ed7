package org.airgap.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.airgap.registry.api.Digest;
import org.airgap.registry.storage.BlobStore.BlobReader;
import org.airgap.registry.storage.BlobStore.BlobUpload;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlobStore} must do. An implementation's test extends this and supplies {@link
 * #newStore()} (a fresh, empty store).
 */
public abstract class BlobStoreContract {
  protected BlobStore store;

  protected abstract BlobStore newStore() throws Exception;

  @BeforeEach
  void create() throws Exception {
    store = newStore();
  }

  static byte[] data(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static InputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  byte[] read(Digest d, long offset, long length) throws Exception {
    try (BlobReader r = store.open(d).orElseThrow();
        InputStream s = r.stream(offset, length)) {
      return s.readAllBytes();
    }
  }

  @Test
  void absentBlobHasNoSizeAndNoReader() throws Exception {
    Digest d = Digest.sha256(data("absent"));
    assertThat(store.size(d)).isEmpty();
    assertThat(store.open(d)).isEmpty();
    assertThat(store.delete(d)).isFalse();
  }

  @Test
  void uploadAppendCommitThenRead() throws Exception {
    byte[] all = data("hello, registry");
    BlobUpload up = store.newUpload();
    assertThat(up.size()).isZero();
    assertThat(up.append(in(data("hello, ")), 0)).isEqualTo(7);
    assertThat(up.append(in(data("registry")), -1)).isEqualTo(all.length);
    assertThat(store.upload(up.id()).orElseThrow().size()).isEqualTo(all.length);
    Digest d = Digest.sha256(all);
    assertThat(up.commit(d)).isEqualTo(d);
    assertThat(store.size(d)).hasValue((long) all.length);
    assertThat(read(d, 0, all.length)).isEqualTo(all);
    assertThat(read(d, 7, 3)).isEqualTo(data("reg"));
    assertThat(store.upload(up.id())).isEmpty();
    up.cancel(); // no-op after commit
    assertThat(store.size(d)).isPresent();
  }

  @Test
  void appendAtTheWrongOffsetWritesNothing() throws Exception {
    BlobUpload up = store.newUpload();
    up.append(in(data("abc")), 0);
    assertThatThrownBy(() -> up.append(in(data("x")), 1))
        .isInstanceOfSatisfying(
            BlobStore.OffsetMismatch.class, e -> assertThat(e.size()).isEqualTo(3));
    assertThat(up.size()).isEqualTo(3);
  }

  @Test
  void uploadResumedByIdKeepsItsBytes() throws Exception {
    BlobUpload up = store.newUpload();
    up.append(in(data("part1-")), 0);
    BlobUpload again = store.upload(up.id()).orElseThrow();
    again.append(in(data("part2")), 6);
    Digest d = Digest.sha256(data("part1-part2"));
    assertThat(again.commit(d)).isEqualTo(d);
    assertThat(read(d, 0, 11)).isEqualTo(data("part1-part2"));
  }

  @Test
  void mismatchStoresNothing() throws Exception {
    BlobUpload up = store.newUpload();
    up.append(in(data("real")), 0);
    Digest claimed = Digest.sha256(data("claimed"));
    assertThat(up.commit(claimed)).isEqualTo(Digest.sha256(data("real")));
    assertThat(store.size(claimed)).isEmpty();
    assertThat(store.size(Digest.sha256(data("real")))).isEmpty();
    assertThat(store.upload(up.id())).isEmpty();
  }

  @Test
  void sha512Commit() throws Exception {
    byte[] b = data("five-twelve");
    var md = Digest.hasher("sha512");
    md.update(b);
    Digest d = Digest.of("sha512", md);
    BlobUpload up = store.newUpload();
    up.append(in(b), 0);
    assertThat(up.commit(d)).isEqualTo(d);
    assertThat(read(d, 0, b.length)).isEqualTo(b);
  }

  @Test
  void cancelDropsTheUpload() throws Exception {
    BlobUpload up = store.newUpload();
    up.append(in(data("x")), 0);
    up.cancel();
    assertThat(store.upload(up.id())).isEmpty();
    up.cancel(); // idempotent
  }

  @Test
  void unknownAndMalformedUploadIds() throws Exception {
    assertThat(store.upload("00000000-0000-0000-0000-000000000000")).isEmpty();
    assertThat(store.upload("../../etc")).isEmpty();
  }

  @Test
  void putVerifiesAndIsIdempotent() throws Exception {
    byte[] b = data("{\"manifest\":1}");
    Digest d = Digest.sha256(b);
    assertThat(store.put(d, b)).isTrue();
    assertThat(store.put(d, b)).isTrue();
    assertThat(store.put(Digest.sha256(data("other")), b)).isFalse();
    assertThat(store.size(Digest.sha256(data("other")))).isEmpty();
    assertThat(read(d, 0, b.length)).isEqualTo(b);
    assertThat(store.delete(d)).isTrue();
    assertThat(store.size(d)).isEmpty();
  }

  @Test
  void concurrentUploadsOfOneBlob() throws Exception {
    byte[] b = new byte[300_000];
    new java.util.Random(1).nextBytes(b);
    Digest d = Digest.sha256(b);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Digest>> fs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fs.add(
            pool.submit(
                () -> {
                  BlobUpload up = store.newUpload();
                  up.append(in(b), 0);
                  return up.commit(d);
                }));
      }
      for (Future<Digest> f : fs) {
        assertThat(f.get()).isEqualTo(d);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(read(d, 0, b.length)).isEqualTo(b);
  }

  @Test
  void touchForEachAndGcDelete() throws Exception {
    byte[] b = data("collect me");
    Digest d = Digest.sha256(b);
    assertThat(store.touch(d)).isFalse();
    store.put(d, b);
    assertThat(store.touch(d)).isTrue();
    List<BlobStore.BlobInfo> seen = new ArrayList<>();
    store.forEach(seen::add);
    assertThat(seen).extracting(BlobStore.BlobInfo::digest).containsExactly(d);
    long now = System.currentTimeMillis();
    assertThat(seen.get(0).size()).isEqualTo(b.length);
    assertThat(seen.get(0).touchedMillis()).isBetween(now - 60_000, now + 5_000);
    // touched after the cutoff: kept
    assertThat(store.deleteIfUntouchedSince(d, now - 60_000)).isZero();
    assertThat(store.size(d)).isPresent();
    // untouched since a cutoff in the future: deleted
    assertThat(store.deleteIfUntouchedSince(d, now + 60_000)).isEqualTo(b.length);
    assertThat(store.size(d)).isEmpty();
    assertThat(store.touch(d)).isFalse();
    assertThat(store.deleteIfUntouchedSince(d, now + 60_000)).isZero();
  }

  @Test
  void purgeTakesOldUploadsOnly() throws Exception {
    BlobUpload young = store.newUpload();
    young.append(in(data("young")), 0);
    assertThat(store.purgeUploads(3_600_000)).isEmpty();
    assertThat(store.upload(young.id())).isPresent();
    // a negative age puts the cutoff in the future: every upload is old
    assertThat(store.purgeUploads(-60_000)).containsExactly(young.id());
    assertThat(store.upload(young.id())).isEmpty();
  }

  @Test
  void quarantineMovesABlobOutOfSight() throws Exception {
    byte[] b = data("suspicious");
    Digest d = Digest.sha256(b);
    store.put(d, b);
    assertThat(store.quarantine(d)).isPresent();
    assertThat(store.size(d)).isEmpty();
    assertThat(store.quarantine(d)).isEmpty();
  }

  @Test
  void emptyBlob() throws Exception {
    BlobUpload up = store.newUpload();
    Digest d = Digest.sha256(new byte[0]);
    assertThat(up.commit(d)).isEqualTo(d);
    assertThat(store.size(d)).hasValue(0L);
  }
}
