package org.airgap.registry.storage.s3;

import org.airgap.registry.storage.MetadataStore;
import org.airgap.registry.storage.MetadataStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The metadata store contract against s3proxy (conditional writes ignored there). */
class S3MetadataStoreTest extends MetadataStoreContract {
  private S3Bucket bucket;

  @Override
  protected MetadataStore newStore() throws Exception {
    bucket = S3Proxy.shared().freshBucket();
    return new S3MetadataStore(bucket);
  }

  @AfterEach
  void closeClient() {
    bucket.close();
  }
}
