package org.airgap.appliance.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * The config's JSON Schema (draft-07), derived from the config records as Jackson reads them, so it
 * can never drift from what {@link ConfigLoader} accepts: every object is closed ({@code
 * additionalProperties: false}) because unknown keys are errors.
 */
public final class ConfigSchema {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ConfigSchema() {}

  public static ObjectNode generate() {
    ObjectMapper m = ConfigLoader.mapper();
    ObjectNode root = schemaFor(m, m.constructType(AirgapConfig.class));
    ObjectNode out = F.objectNode();
    out.put("$schema", "http://json-schema.org/draft-07/schema#");
    out.put("$id", "https://airgap.invalid/schemas/airgap-config.json");
    out.put("title", "airgap configuration (airgap.yaml)");
    out.setAll(root);
    return out;
  }

  private static ObjectNode schemaFor(ObjectMapper m, JavaType t) {
    Class<?> c = t.getRawClass();
    ObjectNode s = F.objectNode();
    if (c == String.class || c == Path.class || c == InetAddress.class) {
      s.put("type", "string");
    } else if (c == ListenAddress.class) {
      s.put("type", "string");
      s.put(
          "description",
          "HOST:PORT, IPv6 literals in brackets ([::]:5000); port 0 = any free port");
      s.put("pattern", "^(\\[[0-9A-Fa-f:.]*\\]|[0-9.]*):[0-9]{1,5}$");
    } else if (c == Boolean.class || c == boolean.class) {
      s.put("type", "boolean");
    } else if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
      s.put("type", "integer");
    } else if (c == Double.class || c == double.class) {
      s.put("type", "number");
    } else if (c.isEnum()) {
      ArrayNode e = s.putArray("enum");
      for (Object v : c.getEnumConstants()) {
        e.add(v.toString());
      }
    } else if (Collection.class.isAssignableFrom(c)) {
      s.put("type", "array");
      s.set("items", schemaFor(m, t.getContentType()));
    } else if (Map.class.isAssignableFrom(c)) {
      s.put("type", "object");
      s.set("additionalProperties", schemaFor(m, t.getContentType()));
    } else if (c == ClusterSection.Workers.class) {
      ArrayNode any = s.putArray("oneOf");
      any.add(schemaFor(m, m.constructType(ClusterSection.Workers.CountForm.class)));
      ObjectNode list = any.addObject();
      list.put("type", "array");
      list.set("items", schemaFor(m, m.constructType(ClusterSection.Host.class)));
    } else if (c == CertificatesSection.class) {
      s.put("type", "object");
      s.set(
          "additionalProperties",
          schemaFor(m, m.constructType(CertificatesSection.CertificateFiles.class)));
    } else if (c == java.time.Duration.class) {
      s.put("type", "string");
      s.put("description", "a duration such as 30s, 5m, 2h or ISO-8601 PT30S");
    } else {
      s.put("type", "object");
      s.put("additionalProperties", false);
      ObjectNode props = s.putObject("properties");
      BeanDescription d = m.getDeserializationConfig().introspect(t);
      for (BeanPropertyDefinition p : d.findProperties()) {
        if (!p.couldDeserialize()) {
          continue;
        }
        props.set(p.getName(), schemaFor(m, p.getPrimaryType()));
      }
    }
    return s;
  }
}
