package org.airgap.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the registry reads from a manifest it stores: its media type, the blobs and child manifests
 * it references, its subject and artifact type. The bytes themselves are kept as pushed; this is
 * only a view (unknown fields do not matter).
 *
 * @param mediaType the effective media type (Content-Type, else the {@code mediaType} field)
 * @param blobs config and layers of an image manifest (empty for an index)
 * @param manifests the children of an index or manifest list (empty for an image manifest)
 */
public record Manifest(
    String mediaType,
    List<Descriptor> blobs,
    List<Descriptor> manifests,
    Optional<Descriptor> subject,
    Optional<String> artifactType,
    Optional<JsonNode> annotations) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public Manifest {
    blobs = List.copyOf(blobs);
    manifests = List.copyOf(manifests);
  }

  /**
   * Parses {@code body} sent with {@code contentType} (may be empty or generic); throws
   * MANIFEST_INVALID for anything that is not an OCI or Docker schema 2 manifest or index.
   */
  public static Manifest parse(Optional<String> contentType, byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ErrorCode.MANIFEST_INVALID.withMessage(
          "manifest is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ErrorCode.MANIFEST_INVALID.withMessage("manifest is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw ErrorCode.MANIFEST_INVALID.withMessage("manifest must be a JSON object");
    }
    JsonNode sv = root.get("schemaVersion");
    if (sv == null || !sv.isInt() || sv.asInt() != 2) {
      throw ErrorCode.MANIFEST_INVALID.withMessage(
          "schemaVersion must be 2 (schema 1 manifests are not supported)");
    }
    JsonNode mtNode = root.get("mediaType");
    Optional<String> field =
        mtNode != null && mtNode.isTextual() ? Optional.of(mtNode.asText()) : Optional.empty();
    Optional<String> header =
        contentType
            .map(MediaTypes::base)
            .filter(t -> !t.isEmpty() && !t.equals(MediaTypes.JSON))
            .filter(t -> !t.equals(MediaTypes.OCTET_STREAM));
    if (header.isPresent() && field.isPresent() && !header.get().equals(field.get())) {
      throw ErrorCode.MANIFEST_INVALID.withMessage(
          "Content-Type " + header.get() + " does not match mediaType " + field.get());
    }
    String mediaType =
        header
            .or(() -> field)
            .orElse(root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST);

    List<Descriptor> blobs = new ArrayList<>();
    List<Descriptor> children = new ArrayList<>();
    if (MediaTypes.isIndex(mediaType)) {
      JsonNode ms = root.get("manifests");
      if (ms == null || !ms.isArray()) {
        throw ErrorCode.MANIFEST_INVALID.withMessage("an index needs a manifests array");
      }
      for (int i = 0; i < ms.size(); i++) {
        children.add(Descriptor.parse(ms.get(i), "manifests[" + i + "]"));
      }
    } else if (MediaTypes.isImageManifest(mediaType)) {
      blobs.add(Descriptor.parse(root.get("config"), "config"));
      JsonNode layers = root.get("layers");
      if (layers == null && mediaType.equals(MediaTypes.DOCKER_MANIFEST)) {
        throw ErrorCode.MANIFEST_INVALID.withMessage("layers is required");
      }
      if (layers != null) {
        if (!layers.isArray()) {
          throw ErrorCode.MANIFEST_INVALID.withMessage("layers must be an array");
        }
        for (int i = 0; i < layers.size(); i++) {
          blobs.add(Descriptor.parse(layers.get(i), "layers[" + i + "]"));
        }
      }
    } else {
      throw ErrorCode.MANIFEST_INVALID.withMessage("unsupported manifest media type " + mediaType);
    }
    Optional<Descriptor> subject =
        root.has("subject")
            ? Optional.of(Descriptor.parse(root.get("subject"), "subject"))
            : Optional.empty();
    JsonNode at = root.get("artifactType");
    if (at != null && !at.isTextual()) {
      throw ErrorCode.MANIFEST_INVALID.withMessage("artifactType must be a string");
    }
    JsonNode ann = root.get("annotations");
    return new Manifest(
        mediaType,
        blobs,
        children,
        subject,
        at == null ? Optional.empty() : Optional.of(at.asText()),
        ann != null && ann.isObject() ? Optional.of(ann) : Optional.empty());
  }

  /**
   * The artifact type the referrers API reports: {@code artifactType}, else the config's media type
   * for an image manifest.
   */
  public Optional<String> effectiveArtifactType() {
    if (artifactType.isPresent()) {
      return artifactType;
    }
    return MediaTypes.isImageManifest(mediaType) && !blobs.isEmpty()
        ? Optional.of(blobs.get(0).mediaType())
        : Optional.empty();
  }
}
