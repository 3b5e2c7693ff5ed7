package org.airgap.registry.storage.s3;

import org.airgap.registry.storage.BlobStore;
import org.airgap.registry.storage.BlobStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The blob store contract against s3proxy, with S3's smallest part size. */
class S3BlobStoreTest extends BlobStoreContract {
  private S3Bucket bucket;

  @Override
  protected BlobStore newStore() throws Exception {
    bucket = S3Proxy.shared().freshBucket();
    return new S3BlobStore(bucket, S3BlobStore.MIN_PART, java.time.Duration.ofSeconds(30));
  }

  @AfterEach
  void closeClient() {
    bucket.close();
  }
}
