package org.airgap.registry.http;

/** end-1: {@code GET /v2/}, the version and auth check. */
public final class BaseHandler {
  public void get(Call call) {
    Responses.bytes(call.exchange(), 200, "application/json", "{}".getBytes());
  }
}
