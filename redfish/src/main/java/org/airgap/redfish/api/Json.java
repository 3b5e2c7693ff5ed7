package org.airgap.redfish.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;

/** The one JSON mapper and the few shapes every Redfish payload repeats. */
public final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** {@code {"@odata.id": path}}: a link. */
  public static ObjectNode link(String path) {
    return object().put("@odata.id", path);
  }

  /** A resource's common head: {@code @odata.type}, {@code @odata.id}, {@code Id}, {@code Name}. */
  public static ObjectNode resource(String type, String path, String id, String name) {
    ObjectNode n = object();
    n.put("@odata.type", type);
    n.put("@odata.id", path);
    n.put("Id", id);
    n.put("Name", name);
    return n;
  }

  /** A collection: {@code Members} linking {@code memberPaths} and their count. */
  public static ObjectNode collection(
      String type, String path, String name, Collection<String> memberPaths) {
    ObjectNode n = object();
    n.put("@odata.type", type);
    n.put("@odata.id", path);
    n.put("Name", name);
    ArrayNode members = n.putArray("Members");
    memberPaths.forEach(p -> members.add(link(p)));
    n.put("Members@odata.count", memberPaths.size());
    return n;
  }

  public static ArrayNode strings(Collection<String> values) {
    ArrayNode a = array();
    values.forEach(a::add);
    return a;
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise JSON", e);
    }
  }

  /** Parses a request body; bad JSON is {@link RedfishError#MALFORMED_JSON}. */
  public static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new RedfishException(RedfishError.EMPTY_JSON);
    }
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw new RedfishException(RedfishError.EMPTY_JSON);
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new RedfishException(RedfishError.MALFORMED_JSON, e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new RedfishException(RedfishError.MALFORMED_JSON, e.getMessage());
    }
  }
}
