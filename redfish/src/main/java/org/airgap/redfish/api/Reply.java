package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a handler answers: a status, an optional JSON body and extra headers. A single resource's
 * reply carries its ETag (computed from the body by the server).
 */
public record Reply(
    int status, Optional<JsonNode> body, Map<String, String> headers, boolean resource) {
  public Reply {
    headers = Map.copyOf(headers);
  }

  /** 200 with a single resource (gets an ETag). */
  public static Reply resource(JsonNode body) {
    return new Reply(200, Optional.of(body), Map.of(), true);
  }

  /** 200 with a collection or other document (no ETag). */
  public static Reply ok(JsonNode body) {
    return new Reply(200, Optional.of(body), Map.of(), false);
  }

  /** 204, no body. */
  public static Reply noContent() {
    return new Reply(204, Optional.empty(), Map.of(), false);
  }

  /** The same reply with one more header. */
  public Reply with(String header, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(header, value);
    return new Reply(status, body, h, resource);
  }
}
