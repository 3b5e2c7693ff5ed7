package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from the containers auth files, the format podman, skopeo, oc and docker share:
 * {@code {"auths": {"HOST[:PORT]": {"auth": base64("USER:PASSWORD")}}}}. The first file that names
 * a registry wins, in this order: an explicit {@code --authfile}, {@code $REGISTRY_AUTH_FILE},
 * {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code ~/.config/containers/auth.json}, {@code
 * ~/.docker/config.json}. Keys may carry a scheme and path ({@code https://host/v1/}); a key may
 * also name {@code host/repository} (podman), which is matched on the host only here. Credential
 * helpers ({@code credsStore}) are not run.
 */
public final class AuthFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Credentials> byHost;

  private AuthFiles(Map<String, Credentials> byHost) {
    this.byHost = Map.copyOf(byHost);
  }

  /** No credentials at all. */
  public static AuthFiles none() {
    return new AuthFiles(Map.of());
  }

  /** The default search list for an environment and home folder, plus an explicit file first. */
  public static List<Path> defaultFiles(
      Optional<Path> explicit, Map<String, String> env, Path home) {
    List<Path> files = new ArrayList<>();
    explicit.ifPresent(files::add);
    Optional.ofNullable(env.get("REGISTRY_AUTH_FILE")).map(Path::of).ifPresent(files::add);
    Optional.ofNullable(env.get("XDG_RUNTIME_DIR"))
        .map(d -> Path.of(d, "containers", "auth.json"))
        .ifPresent(files::add);
    files.add(home.resolve(".config/containers/auth.json"));
    files.add(home.resolve(".docker/config.json"));
    return files;
  }

  /**
   * Reads the files that exist (an explicit file that is missing or unreadable is an error; the
   * default ones are skipped when absent).
   */
  public static AuthFiles load(List<Path> files, Optional<Path> explicit) {
    Map<String, Credentials> map = new LinkedHashMap<>();
    for (Path f : files) {
      boolean required = explicit.isPresent() && explicit.get().equals(f);
      if (!Files.isRegularFile(f)) {
        if (required) {
          throw new MirrorException(MirrorException.Kind.USAGE, "auth file " + f + " not found");
        }
        continue;
      }
      JsonNode root;
      try {
        root = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new MirrorException(
            MirrorException.Kind.USAGE, "auth file " + f + " is not JSON: " + e.getMessage(), e);
      }
      JsonNode auths = root == null ? null : root.get("auths");
      if (auths == null || !auths.isObject()) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode auth = e.getValue().get("auth");
        if (auth == null || !auth.isTextual() || auth.asText().isEmpty()) {
          continue;
        }
        String decoded;
        try {
          decoded = new String(Base64.getDecoder().decode(auth.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException ex) {
          throw new MirrorException(
              MirrorException.Kind.USAGE,
              "auth file " + f + ": the auth of " + e.getKey() + " is not base64");
        }
        map.putIfAbsent(normalize(e.getKey()), Credentials.parse(decoded));
      }
    }
    return new AuthFiles(map);
  }

  /** {@code https://host:port/v1/} → {@code host:port}; {@code host/repo} → {@code host}. */
  static String normalize(String key) {
    String k = key.strip();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    k = k.toLowerCase(java.util.Locale.ROOT);
    return k.equals("index.docker.io") || k.equals("registry-1.docker.io") ? "docker.io" : k;
  }

  /** The credentials for a registry ({@code host[:port]}), if a file names it. */
  public Optional<Credentials> forRegistry(String registry) {
    return Optional.ofNullable(byHost.get(normalize(registry)));
  }
}
