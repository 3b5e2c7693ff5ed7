package org.airgap.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.airgap.registry.api.Digest;
import org.airgap.registry.storage.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Uploads larger than a part: chunks of any size cut into 5 MiB parts with a tail carried in the
 * bucket, and an upload continued by another store instance (another airgap on the same bucket).
 */
class S3UploadTest {
  private static final int PART = S3BlobStore.MIN_PART;
  private S3Bucket a;
  private S3Bucket b;

  @BeforeEach
  void buckets() throws Exception {
    a = S3Proxy.shared().freshBucket();
    b = S3Bucket.connect(a.settings());
    b.check();
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private static byte[] random(int n, long seed) {
    byte[] x = new byte[n];
    new Random(seed).nextBytes(x);
    return x;
  }

  private static byte[] read(BlobStore s, Digest d, long off, long len) throws Exception {
    try (BlobStore.BlobReader r = s.open(d).orElseThrow();
        InputStream in = r.stream(off, len)) {
      return in.readAllBytes();
    }
  }

  @Test
  void oddChunksAcrossPartsOnOneInstance() throws Exception {
    S3BlobStore s = new S3BlobStore(a, PART, Duration.ofSeconds(30));
    byte[] all = random(2 * PART + 12345, 7);
    Digest d = Digest.sha256(all);
    BlobStore.BlobUpload up = s.newUpload();
    int[] cuts = {0, 1000, PART - 1, PART + 2, 2 * PART + 5, all.length};
    for (int i = 0; i + 1 < cuts.length; i++) {
      long size =
          up.append(
              new ByteArrayInputStream(Arrays.copyOfRange(all, cuts[i], cuts[i + 1])), cuts[i]);
      assertThat(size).isEqualTo(cuts[i + 1]);
    }
    assertThat(up.commit(d)).isEqualTo(d);
    assertThat(s.rehashedUploads()).isZero();
    assertThat(s.size(d)).hasValue((long) all.length);
    assertThat(read(s, d, 0, all.length)).isEqualTo(all);
    assertThat(read(s, d, PART - 3, 10)).isEqualTo(Arrays.copyOfRange(all, PART - 3, PART + 7));
    // nothing left of the upload: no objects, no multipart upload
    assertThat(a.children(a.key("uploads/"))).isEmpty();
    assertThat(a.client().listMultipartUploads(x -> x.bucket(a.bucket())).uploads()).isEmpty();
  }

  @Test
  void anUploadStartedOnOneInstanceFinishesOnAnother() throws Exception {
    S3BlobStore one = new S3BlobStore(a, PART, Duration.ofSeconds(30));
    S3BlobStore two = new S3BlobStore(b, PART, Duration.ofSeconds(30));
    byte[] all = random(PART + PART / 2, 8);
    Digest d = Digest.sha256(all);
    BlobStore.BlobUpload up = one.newUpload();
    up.append(new ByteArrayInputStream(Arrays.copyOfRange(all, 0, PART / 3)), 0);
    BlobStore.BlobUpload there = two.upload(up.id()).orElseThrow();
    assertThat(there.size()).isEqualTo(PART / 3);
    there.append(new ByteArrayInputStream(Arrays.copyOfRange(all, PART / 3, all.length)), PART / 3);
    assertThat(there.commit(d)).isEqualTo(d);
    assertThat(two.rehashedUploads()).isEqualTo(1); // it moved: read back once
    assertThat(read(one, d, 0, all.length)).isEqualTo(all);
  }

  @Test
  void aWrongDigestStoresNothingAfterParts() throws Exception {
    S3BlobStore s = new S3BlobStore(a, PART, Duration.ofSeconds(30));
    byte[] all = random(PART + 10, 9);
    BlobStore.BlobUpload up = s.newUpload();
    up.append(new ByteArrayInputStream(all), 0);
    Digest wrong = Digest.sha256("other".getBytes());
    assertThat(up.commit(wrong)).isEqualTo(Digest.sha256(all));
    assertThat(s.size(wrong)).isEmpty();
    assertThat(s.size(Digest.sha256(all))).isEmpty();
  }
}
