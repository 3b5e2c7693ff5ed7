package org.airgap.websrv.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.websrv.download.Checksum;

/**
 * A CoreOS stream metadata document, as {@code openshift-install coreos print-stream-json} prints
 * it; only what bare-metal boots need is kept:
 *
 * <pre>
 * { "stream": "rhcos-4.14",
 *   "architectures": { "x86_64": { "artifacts": { "metal": {
 *       "release": "414.92.202308281054-0",
 *       "formats": {
 *         "iso": { "disk":   { "location": "https://…-live.x86_64.iso", "sha256": "…" } },
 *         "pxe": { "rootfs": { "location": "https://…-live-rootfs.x86_64.img", "sha256": "…" },
 *                  "kernel": …, "initramfs": … } } } } } } }
 * </pre>
 */
public record CoreOsStream(String stream, Map<String, MetalImages> architectures) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public CoreOsStream {
    architectures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(architectures));
  }

  /** Parses a stream document; throws {@link IllegalArgumentException} saying what is missing. */
  public static CoreOsStream parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON document: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a CoreOS stream: expected a JSON object");
    }
    String stream = root.path("stream").asText("");
    JsonNode arches = root.path("architectures");
    if (!arches.isObject() || arches.isEmpty()) {
      throw new IllegalArgumentException("not a CoreOS stream: no \"architectures\"");
    }
    Map<String, MetalImages> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = arches.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode metal = e.getValue().path("artifacts").path("metal");
      if (metal.isMissingNode()) {
        continue;
      }
      String where = "architectures." + e.getKey() + ".artifacts.metal";
      String release = text(metal, "release", where);
      StreamArtifact iso =
          artifact(metal.path("formats").path("iso").path("disk"), where + ".formats.iso.disk");
      StreamArtifact rootfs =
          artifact(metal.path("formats").path("pxe").path("rootfs"), where + ".formats.pxe.rootfs");
      out.put(e.getKey(), new MetalImages(stream, e.getKey(), release, iso, rootfs));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("the stream has no metal artifacts for any architecture");
    }
    return new CoreOsStream(stream, out);
  }

  /** The metal images of {@code architecture}; the message lists the ones there are. */
  public MetalImages metal(String architecture) {
    MetalImages m = architectures.get(architecture);
    if (m == null) {
      throw new IllegalArgumentException(
          "stream "
              + stream
              + " has no metal images for "
              + architecture
              + " (it has "
              + String.join(", ", architectures.keySet())
              + ")");
    }
    return m;
  }

  /** The artifact of any architecture with this file name, with its images. */
  public Optional<Match> find(String fileName) {
    for (MetalImages m : architectures.values()) {
      if (m.iso().fileName().equals(fileName)) {
        return Optional.of(new Match(m, ImageKind.ISO, m.iso()));
      }
      if (m.rootfs().fileName().equals(fileName)) {
        return Optional.of(new Match(m, ImageKind.ROOTFS, m.rootfs()));
      }
    }
    return Optional.empty();
  }

  /** Which artifact of which images a file is. */
  public record Match(MetalImages images, ImageKind kind, StreamArtifact artifact) {}

  public List<String> architectureNames() {
    return new ArrayList<>(architectures.keySet());
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(
          "not a CoreOS stream: " + where + "." + field + " missing");
    }
    return v.asText();
  }

  private static StreamArtifact artifact(JsonNode n, String where) {
    String location = text(n, "location", where);
    String sha = text(n, "sha256", where);
    URI uri;
    try {
      uri = URI.create(location);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ".location is not a URL: " + location, e);
    }
    try {
      return new StreamArtifact(uri, Checksum.sha256(sha));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ".sha256: " + e.getMessage(), e);
    }
  }
}
