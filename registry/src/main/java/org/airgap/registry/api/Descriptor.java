package org.airgap.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * An OCI content descriptor as a manifest references it. {@code raw} keeps the JSON object as it
 * was written, so annotations, platform and unknown fields go out unchanged.
 */
public record Descriptor(
    String mediaType, Digest digest, long size, Optional<String> artifactType, JsonNode raw) {

  /** Parses a descriptor; bad ones are MANIFEST_INVALID naming {@code where}. */
  public static Descriptor parse(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw ErrorCode.MANIFEST_INVALID.withMessage(where + " must be a descriptor object");
    }
    JsonNode mt = node.get("mediaType");
    JsonNode dg = node.get("digest");
    JsonNode sz = node.get("size");
    if (mt == null || !mt.isTextual()) {
      throw ErrorCode.MANIFEST_INVALID.withMessage(where + ".mediaType must be a string");
    }
    if (dg == null || !dg.isTextual()) {
      throw ErrorCode.MANIFEST_INVALID.withMessage(where + ".digest must be a string");
    }
    if (sz == null || !sz.canConvertToLong() || !sz.isIntegralNumber() || sz.asLong() < 0) {
      throw ErrorCode.MANIFEST_INVALID.withMessage(where + ".size must be a non-negative integer");
    }
    Digest digest;
    try {
      digest = Digest.parse(dg.asText());
    } catch (RegistryException e) {
      throw ErrorCode.MANIFEST_INVALID.withMessage(where + ".digest: " + e.text());
    }
    JsonNode at = node.get("artifactType");
    return new Descriptor(
        mt.asText(),
        digest,
        sz.asLong(),
        at != null && at.isTextual() ? Optional.of(at.asText()) : Optional.empty(),
        node);
  }
}
