package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * ETags of resources: a strong tag over the resource's JSON. {@code If-Match} compares opaque tags
 * and accepts the weak form {@code W/"…"} of the current tag too (Redfish clients send either).
 */
public final class Etags {
  private Etags() {}

  public static String of(byte[] json) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(json);
      return "\"" + HexFormat.of().formatHex(d, 0, 10) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String of(JsonNode resource) {
    return of(Json.bytes(resource));
  }

  /** Whether the header value (a list of tags, or {@code *}) names {@code current}. */
  public static boolean matches(String headerValue, String current) {
    String opaque = strip(current);
    for (String t : headerValue.split(",")) {
      String tag = t.trim();
      if (tag.equals("*") || strip(tag).equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  /** Throws 412 when {@code If-Match} is present and does not name {@code current}. */
  public static void checkIfMatch(Optional<String> ifMatch, JsonNode current) {
    if (ifMatch.isPresent() && !matches(ifMatch.get(), of(current))) {
      throw new RedfishException(RedfishError.PRECONDITION_FAILED);
    }
  }

  private static String strip(String tag) {
    String s = tag.startsWith("W/") ? tag.substring(2) : tag;
    return s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2
        ? s.substring(1, s.length() - 1)
        : s;
  }
}
