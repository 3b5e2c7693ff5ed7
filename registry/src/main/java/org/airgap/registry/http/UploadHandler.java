package org.airgap.registry.http;

import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.storage.RepositoryStore;

/** (in progress) */
public final class UploadHandler {
  private final RepositoryStore store;

  public UploadHandler(RepositoryStore store) {
    this.store = store;
  }

  public void start(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }

  public void patch(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }

  public void put(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }

  public void status(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }

  public void cancel(Call call) {
    throw ErrorCode.UNSUPPORTED.withMessage("not yet: " + store);
  }
}
