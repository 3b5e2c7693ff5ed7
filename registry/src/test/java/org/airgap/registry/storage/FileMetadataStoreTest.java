package org.airgap.registry.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileMetadataStoreTest extends MetadataStoreContract {
  @TempDir Path root;

  @Override
  protected MetadataStore newStore() {
    return new FileMetadataStore(root);
  }
}
