package org.airgap.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates payloads against the DMTF Redfish JSON Schemas copied into {@code
 * src/test/resources/redfish-schemas} (see its README). The schema is chosen by the payload's
 * {@code @odata.type}; error bodies by {@code redfish-error.v1_0_2.json}. Nothing is fetched from
 * the network: every {@code http://redfish.dmtf.org/schemas/v1/X} maps to the copied file X.
 */
public final class RedfishSchemas {
  static final String PREFIX = "http://redfish.dmtf.org/schemas/v1/";
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_7,
          b -> b.schemaIdResolvers(r -> r.mapPrefix(PREFIX, "classpath:redfish-schemas/")));
  private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

  private RedfishSchemas() {}

  /** The validation errors of a resource (by its {@code @odata.type}) or of an error body. */
  public static List<String> errors(JsonNode payload) {
    String ref;
    if (payload.has("error")) {
      ref = "redfish-error.v1_0_2.json#/definitions/RedfishError";
    } else {
      String type = payload.path("@odata.type").asText("");
      if (!type.startsWith("#") || type.indexOf('.') < 0) {
        return List.of("no @odata.type: " + payload);
      }
      String t = type.substring(1);
      int last = t.lastIndexOf('.');
      ref = t.substring(0, last) + ".json#/definitions/" + t.substring(last + 1);
    }
    Schema schema =
        CACHE.computeIfAbsent(ref, r -> REGISTRY.getSchema(SchemaLocation.of(PREFIX + r)));
    return schema.validate(payload).stream().map(Error::toString).toList();
  }
}
