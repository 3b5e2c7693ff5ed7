package org.airgap.registry.http;

import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.storage.RepositoryStore;

/** (in progress) */
public final class ReferrerHandler {
  private final RepositoryStore store;

  public ReferrerHandler(RepositoryStore store) {
    this.store = store;
  }

  public void list(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }
}
