package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** {@code os/architecture[/variant]}, as {@code --platform linux/arm64/v8} spells it. */
public record Platform(String os, String architecture, Optional<String> variant) {
  public Platform {
    if (os.isEmpty() || architecture.isEmpty()) {
      throw new IllegalArgumentException("a platform needs an os and an architecture");
    }
  }

  public static Platform parse(String text) {
    String[] p = text.strip().split("/");
    if (p.length < 2 || p.length > 3) {
      throw new MirrorException(
          MirrorException.Kind.USAGE, "bad platform '" + text + "': OS/ARCH[/VARIANT]");
    }
    return new Platform(p[0], p[1], p.length == 3 ? Optional.of(p[2]) : Optional.empty());
  }

  /** Whether an index entry's {@code platform} object is this platform (any variant if unset). */
  public boolean matches(JsonNode platform) {
    if (platform == null || !platform.isObject()) {
      return false;
    }
    return os.equals(platform.path("os").asText())
        && architecture.equals(platform.path("architecture").asText())
        && variant.map(v -> v.equals(platform.path("variant").asText())).orElse(true);
  }

  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }
}
