package org.airgap.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.airgap.registry.api.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest extends BlobStoreContract {
  @TempDir Path root;

  @Override
  protected BlobStore newStore() {
    return new FileBlobStore(root);
  }

  @Test
  void blobsLandWhereTheLayoutSays() throws Exception {
    byte[] b = "layout".getBytes();
    Digest d = Digest.sha256(b);
    BlobStore.BlobUpload up = store.newUpload();
    assertThat(root.resolve("uploads/" + up.id() + "/data")).exists();
    up.append(new ByteArrayInputStream(b), 0);
    up.commit(d);
    assertThat(root.resolve("blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex()))
        .hasBinaryContent(b);
    assertThat(root.resolve("uploads/" + up.id())).doesNotExist();
  }

  @Test
  void anUploadContinuedByANewStoreInstanceIsRehashedAtCommit() throws Exception {
    BlobStore.BlobUpload up = store.newUpload();
    up.append(new ByteArrayInputStream("before restart, ".getBytes()), 0);
    FileBlobStore restarted = new FileBlobStore(root); // no in-memory hash state
    BlobStore.BlobUpload again = restarted.upload(up.id()).orElseThrow();
    again.append(new ByteArrayInputStream("after".getBytes()), 16);
    Digest d = Digest.sha256("before restart, after".getBytes());
    assertThat(again.commit(d)).isEqualTo(d);
    assertThat(Files.exists(restarted.blobFile(d))).isTrue();
  }

  @Test
  void bigUploadsAreFlushedWhileTheyArriveAndStayExact() throws Exception {
    FileBlobStore small = new FileBlobStore(root, 1 << 20); // a flush per MiB written
    byte[] b = new byte[12 << 20];
    new java.util.Random(5).nextBytes(b);
    BlobStore.BlobUpload up = small.newUpload();
    long at = 0;
    for (int i = 0; i < 6; i++) { // six PATCHes of 2 MiB
      at = up.append(new ByteArrayInputStream(b, (int) at, 2 << 20), at);
    }
    Digest d = Digest.sha256(b);
    assertThat(up.commit(d)).isEqualTo(d);
    assertThat(small.blobFile(d)).hasBinaryContent(b);
    long end = System.nanoTime() + 10_000_000_000L; // the flushes run on their own thread
    while (small.writebacks() == 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(small.writebacks()).as("background flushes during the upload").isPositive();
  }
}
