package org.airgap.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.airgap.registry.storage.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both sides of the start-up probe: s3proxy ignores If-Match/If-None-Match (the last-writer-wins
 * fallback), and {@link ConditionalProxy} in front of it enforces them with 412 (the conditional
 * path of endpoints such as RGW and MinIO).
 */
class S3ConditionalWritesTest {
  private ConditionalProxy proxy;
  private S3Bucket conditional;
  private S3Bucket plain;

  @BeforeEach
  void start() throws Exception {
    S3Proxy s3 = S3Proxy.shared();
    proxy = new ConditionalProxy(s3.port());
    S3Settings direct = s3.freshSettings();
    plain = S3Bucket.connect(direct);
    plain.check();
    conditional =
        S3Bucket.connect(
            new S3Settings(
                proxy.endpoint(),
                direct.bucket(),
                direct.prefix(),
                direct.region(),
                Optional.empty(),
                direct.accessKeyId(),
                direct.secretKey()));
    assertThat(conditional.check()).isEmpty();
  }

  @AfterEach
  void stop() {
    conditional.close();
    plain.close();
    proxy.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theProbeTellsTheTwoApart() {
    assertThat(conditional.conditionalWrites()).isTrue();
    assertThat(plain.conditionalWrites()).isFalse();
  }

  @Test
  void aTagMovedMeanwhileIsNotDeletedWhereConditionsHold() throws Exception {
    String k = conditional.key("repositories/r/_tags/latest");
    String first = conditional.put(k, b("sha256:1"));
    conditional.put(k, b("sha256:2")); // another instance moved the tag
    assertThatThrownBy(() -> conditional.deleteIf(k, first))
        .isInstanceOf(S3Bucket.PreconditionFailed.class);
    assertThat(conditional.get(k).orElseThrow().bytes()).isEqualTo(b("sha256:2"));
    // the fallback: last writer wins, the delete goes through
    String k2 = plain.key("repositories/r/_tags/other");
    String old = plain.put(k2, b("sha256:1"));
    plain.put(k2, b("sha256:2"));
    plain.deleteIf(k2, old);
    assertThat(plain.get(k2)).isEmpty();
  }

  /** A chunk that blocks until released, to interleave two instances' appends. */
  private static InputStream held(byte[] bytes, CountDownLatch started, CountDownLatch release) {
    return new InputStream() {
      final InputStream in = new ByteArrayInputStream(bytes);
      boolean waited;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (!waited) {
          waited = true;
          started.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        return in.read(b, off, len);
      }
    };
  }

  @Test
  void concurrentChunksOnTwoInstances() throws Exception {
    S3BlobStore one = new S3BlobStore(conditional, S3BlobStore.MIN_PART, Duration.ofSeconds(30));
    S3Bucket other = S3Bucket.connect(conditional.settings());
    other.check();
    S3BlobStore two = new S3BlobStore(other, S3BlobStore.MIN_PART, Duration.ofSeconds(30));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      BlobStore.BlobUpload up = one.newUpload();
      up.append(new ByteArrayInputStream(b("first ")), 0);
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      // instance two reads the record, then waits inside its chunk
      Future<Long> late =
          pool.submit(
              () ->
                  two.upload(up.id()).orElseThrow().append(held(b("late"), started, release), -1));
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      // meanwhile instance one appends and saves the record
      assertThat(up.append(new ByteArrayInputStream(b("second")), 6)).isEqualTo(12);
      release.countDown();
      // the record changed under instance two: its chunk does not count
      assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(BlobStore.OffsetMismatch.class);
      assertThat(up.size()).isEqualTo(12);
      var d = org.airgap.registry.api.Digest.sha256(b("first second"));
      assertThat(up.commit(d)).isEqualTo(d);
    } finally {
      pool.shutdownNow();
      other.close();
    }
  }
}
