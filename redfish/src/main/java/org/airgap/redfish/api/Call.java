package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * One request as a handler sees it: method, path, the route's parameters, the headers it may read
 * (lower-case names), the body, and who is calling (empty on public routes).
 */
public record Call(
    String method,
    String path,
    Map<String, String> params,
    Map<String, String> headers,
    byte[] body,
    Optional<String> user) {
  public Call {
    params = Map.copyOf(params);
    headers = Map.copyOf(headers);
  }

  public String param(String name) {
    String v = params.get(name);
    if (v == null) {
      throw new IllegalStateException("route has no parameter " + name);
    }
    return v;
  }

  public Optional<String> header(String lowerCaseName) {
    return Optional.ofNullable(headers.get(lowerCaseName));
  }

  /** The body as JSON; empty or malformed bodies are Redfish errors. */
  public JsonNode json() {
    return Json.parse(body);
  }
}
