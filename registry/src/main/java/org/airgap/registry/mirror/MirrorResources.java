package org.airgap.registry.mirror;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster resources that point a cluster at mirrored content, written once for the mirror CLI
 * and the control module alike: an ImageDigestMirrorSet (clusters mirror by digest), an
 * ImageTagMirrorSet when tag references exist, and the {@code registries.conf} that the assisted
 * service's {@code custom-registries} config map carries ({@code mirror-by-digest-only = true}
 * followed by {@code [[registry.mirror]]}).
 */
public final class MirrorResources {
  /** A source repository (or registry path prefix) and where it is mirrored. */
  public record Mapping(String source, String mirror) {
    public Mapping {
      if (source.isBlank() || mirror.isBlank()) {
        throw new IllegalArgumentException("a mirror mapping needs a source and a mirror");
      }
    }
  }

  private MirrorResources() {}

  /** The release payload's two repositories, mirrored under {@code registryHostPort}. */
  public static List<Mapping> releaseMappings(String registryHostPort) {
    return List.of(
        new Mapping(
            "quay.io/openshift-release-dev/ocp-release",
            registryHostPort + "/openshift/release-images"),
        new Mapping(
            "quay.io/openshift-release-dev/ocp-v4.0-art-dev",
            registryHostPort + "/openshift/release"));
  }

  /** An ImageDigestMirrorSet as an ordered object tree, ready for a YAML or JSON writer. */
  public static Map<String, Object> imageDigestMirrorSet(String name, List<Mapping> mappings) {
    return mirrorSet("ImageDigestMirrorSet", "imageDigestMirrors", name, mappings);
  }

  /** An ImageTagMirrorSet (only for content referenced by tag). */
  public static Map<String, Object> imageTagMirrorSet(String name, List<Mapping> mappings) {
    return mirrorSet("ImageTagMirrorSet", "imageTagMirrors", name, mappings);
  }

  private static Map<String, Object> mirrorSet(
      String kind, String field, String name, List<Mapping> mappings) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "config.openshift.io/v1");
    o.put("kind", kind);
    o.put("metadata", Map.of("name", name));
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Mapping m : mappings) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("source", m.source());
      e.put("mirrors", List.of(m.mirror()));
      entries.add(e);
    }
    o.put("spec", Map.of(field, entries));
    return o;
  }

  /**
   * A CatalogSource in {@code openshift-marketplace} serving {@code image} over gRPC.
   *
   * @param name the object's name (a DNS label: {@code cs-redhat-operator-index-v4-18})
   */
  public static Map<String, Object> catalogSource(String name, String image) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "operators.coreos.com/v1alpha1");
    o.put("kind", "CatalogSource");
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    meta.put("namespace", "openshift-marketplace");
    o.put("metadata", meta);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("sourceType", "grpc");
    spec.put("image", image);
    o.put("spec", spec);
    return o;
  }

  /**
   * The config map the cluster-version operator reads release signatures from: in {@code
   * openshift-config-managed}, labelled {@code release.openshift.io/verification-signatures}, one
   * binary key {@code sha256-HEX-N} per signature.
   *
   * @param digest the release image digest ({@code sha256:HEX})
   * @param signatures the raw signatures, base64
   */
  public static Map<String, Object> signatureConfigMap(String digest, List<String> signatures) {
    String name = digest.replace(':', '-');
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "v1");
    o.put("kind", "ConfigMap");
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    meta.put("namespace", "openshift-config-managed");
    meta.put("labels", Map.of("release.openshift.io/verification-signatures", ""));
    o.put("metadata", meta);
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 0; i < signatures.size(); i++) {
      data.put(name + "-" + (i + 1), signatures.get(i));
    }
    o.put("binaryData", data);
    return o;
  }

  /** {@code registries.conf} (containers-registries.conf(5)) with one mirror per source. */
  public static String registriesConf(List<Mapping> mappings) {
    StringBuilder b = new StringBuilder();
    b.append("unqualified-search-registries = [\"registry.access.redhat.com\", \"docker.io\"]\n");
    for (Mapping m : mappings) {
      b.append("\n[[registry]]\n");
      b.append("  prefix = \"\"\n");
      b.append("  location = \"").append(m.source()).append("\"\n");
      b.append("  mirror-by-digest-only = true\n\n");
      b.append("  [[registry.mirror]]\n");
      b.append("    location = \"").append(m.mirror()).append("\"\n");
    }
    return b.toString();
  }
}
