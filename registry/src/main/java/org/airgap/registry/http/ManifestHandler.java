package org.airgap.registry.http;

import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.storage.RepositoryStore;

/** (in progress) */
public final class ManifestHandler {
  private final RepositoryStore store;

  public ManifestHandler(RepositoryStore store) {
    this.store = store;
  }

  public void get(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }

  public void put(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }

  public void delete(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }
}
