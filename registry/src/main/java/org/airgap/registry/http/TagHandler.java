package org.airgap.registry.http;

import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.storage.RepositoryStore;

/** (in progress) */
public final class TagHandler {
  private final RepositoryStore store;

  public TagHandler(RepositoryStore store) {
    this.store = store;
  }

  public void list(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }

  public void catalog(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }
}
