package org.airgap.appliance.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON Schemas of the Kubernetes kinds airgap renders (shipped in the jar with their provenance
 * README, converted from the upstream CRDs), indexed by apiVersion and kind from each schema's own
 * {@code properties.apiVersion.enum} and {@code properties.kind.enum}.
 */
public final class SchemaCatalog {
  static final String DIR = "/org/airgap/appliance/cluster/schemas/";
  static final List<String> FILES =
      List.of(
          "agent_v1beta1.json",
          "agentserviceconfig_v1beta1.json",
          "baremetalhost_v1alpha1.json",
          "catalogsource_v1alpha1.json",
          "hostedcluster_v1beta1.json",
          "image_config_v1.json",
          "imagedigestmirrorset_v1.json",
          "imagesetconfiguration_v2alpha1.json",
          "imagetagmirrorset_v1.json",
          "infraenv_v1beta1.json",
          "multiclusterengine_v1.json",
          "nodepool_v1beta1.json");

  private static volatile SchemaCatalog instance;
  private final Map<String, Schema> byKind = new HashMap<>();

  private SchemaCatalog() {
    ObjectMapper json = new ObjectMapper();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    for (String f : FILES) {
      try (InputStream in = SchemaCatalog.class.getResourceAsStream(DIR + f)) {
        if (in == null) {
          throw new IllegalStateException("schema " + f + " missing from the jar");
        }
        String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode node = json.readTree(text);
        String apiVersion =
            node.path("properties").path("apiVersion").path("enum").path(0).asText();
        String kind = node.path("properties").path("kind").path("enum").path(0).asText();
        byKind.put(key(apiVersion, kind), registry.getSchema(text));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema " + f, e);
      }
    }
  }

  public static SchemaCatalog get() {
    if (instance == null) {
      synchronized (SchemaCatalog.class) {
        if (instance == null) {
          instance = new SchemaCatalog();
        }
      }
    }
    return instance;
  }

  public Optional<Schema> schema(String apiVersion, String kind) {
    return Optional.ofNullable(byKind.get(key(apiVersion, kind)));
  }

  private static String key(String apiVersion, String kind) {
    return apiVersion + "/" + kind;
  }
}
