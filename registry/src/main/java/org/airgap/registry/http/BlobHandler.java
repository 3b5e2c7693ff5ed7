package org.airgap.registry.http;

import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.storage.RepositoryStore;

/** (in progress) */
public final class BlobHandler {
  private final RepositoryStore store;

  public BlobHandler(RepositoryStore store) {
    this.store = store;
  }

  public void get(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }

  public void delete(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }
}
