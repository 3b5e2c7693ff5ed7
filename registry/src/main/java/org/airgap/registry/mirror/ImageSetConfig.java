package org.airgap.registry.mirror;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An ImageSetConfiguration ({@code mirror.openshift.io/v2alpha1}, oc-mirror v2's input), decoded
 * strictly: an unknown key is an error naming it, and a key airgap does not implement is rejected
 * with a message naming it rather than ignored. The checks oc-mirror makes in code are made here
 * too: duplicate catalogs, packages and channels, versions that are not semver, blocked-image
 * patterns that are not regular expressions, package- and channel-level versions mixed.
 *
 * @param archiveSizeGb {@code archiveSize}: the largest archive chunk in GB, when given
 * @param platform {@code mirror.platform}, when given
 * @param operators {@code mirror.operators}
 * @param additionalImages {@code mirror.additionalImages}
 * @param blockedImages {@code mirror.blockedImages}: regular expressions over image references
 */
public record ImageSetConfig(
    Optional<Long> archiveSizeGb,
    Optional<PlatformSpec> platform,
    List<OperatorSpec> operators,
    List<String> additionalImages,
    List<Pattern> blockedImages) {

  public static final String API_VERSION = "mirror.openshift.io/v2alpha1";
  public static final String KIND = "ImageSetConfiguration";

  public ImageSetConfig {
    operators = List.copyOf(operators);
    additionalImages = List.copyOf(additionalImages);
    blockedImages = List.copyOf(blockedImages);
  }

  /**
   * {@code mirror.platform}.
   *
   * @param channels release channels with their version ranges
   * @param release a release pull spec, when given
   * @param graph whether to mirror the update-graph data image
   * @param kubeVirtContainer whether to mirror the RHCOS KubeVirt container disk the payload names
   */
  public record PlatformSpec(
      List<ChannelSpec> channels,
      Optional<String> release,
      boolean graph,
      boolean kubeVirtContainer) {
    public PlatformSpec {
      channels = List.copyOf(channels);
    }
  }

  /**
   * A release channel.
   *
   * @param name such as {@code stable-4.18}
   * @param type {@code ocp} or {@code okd}
   * @param minVersion lowest version, when given
   * @param maxVersion highest version, when given
   * @param full every version of the channel within the bounds (not only the newest)
   */
  public record ChannelSpec(
      String name,
      String type,
      Optional<Semver> minVersion,
      Optional<Semver> maxVersion,
      boolean full) {}

  /**
   * An operator catalog and what to keep of it.
   *
   * @param catalog the catalog image
   * @param targetCatalog the repository path in the target, when not the source's
   * @param targetTag the tag in the target, when not the source's
   * @param full keep every bundle of the kept channels, not only the heads
   * @param skipDependencies do not add the packages the kept bundles require
   * @param packages the packages to keep (empty: the whole catalog)
   */
  public record OperatorSpec(
      String catalog,
      Optional<String> targetCatalog,
      Optional<String> targetTag,
      boolean full,
      boolean skipDependencies,
      List<PackageSpec> packages) {
    public OperatorSpec {
      packages = List.copyOf(packages);
    }
  }

  /** A package; versions either here or on its channels, never both. */
  public record PackageSpec(
      String name,
      List<PackageChannel> channels,
      Optional<String> defaultChannel,
      Optional<Semver> minVersion,
      Optional<Semver> maxVersion) {
    public PackageSpec {
      channels = List.copyOf(channels);
    }
  }

  /** A channel of a package, with its own version range. */
  public record PackageChannel(
      String name, Optional<Semver> minVersion, Optional<Semver> maxVersion) {}

  /** The registries the configuration names as sources (images, release, catalogs). */
  public Set<String> sourceRegistries() {
    Set<String> out = new java.util.LinkedHashSet<>();
    additionalImages.forEach(i -> out.add(ImageRef.parse(i).registry()));
    platform.flatMap(PlatformSpec::release).ifPresent(r -> out.add(ImageRef.parse(r).registry()));
    operators.forEach(o -> out.add(ImageRef.parse(o.catalog()).registry()));
    return out;
  }

  /** Whether an image reference is blocked by {@code blockedImages}. */
  public boolean blocked(String reference) {
    return blockedImages.stream().anyMatch(p -> p.matcher(reference).find());
  }

  // ------------------------------------------------------------------ decoding

  /** Reads and decodes a file; errors name the file and the key. */
  public static ImageSetConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw usage(file + ": cannot read: " + e.getMessage());
    }
    return parse(file.getFileName().toString(), text);
  }

  /** Whether YAML text is an ImageSetConfiguration (its top-level {@code kind}). */
  public static boolean looksLikeOne(String text) {
    try {
      JsonNode n = yaml().readTree(text);
      return n != null && KIND.equals(n.path("kind").asText());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Decodes YAML (or JSON) text; {@code name} prefixes every error. */
  public static ImageSetConfig parse(String name, String text) {
    JsonNode root;
    try {
      root = yaml().readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw usage(name + ": line " + line + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw usage(name + ": " + e.getMessage());
    }
    return new Decoder(name).config(root);
  }

  private static ObjectMapper yaml() {
    ObjectMapper m = new ObjectMapper(new YAMLFactory());
    m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return m;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static MirrorException usage(String message) {
    return new MirrorException(MirrorException.Kind.USAGE, message);
  }

  /** Walks the tree by hand so every error names its key path. */
  private static final class Decoder {
    private final String file;

    Decoder(String file) {
      this.file = file;
    }

    private MirrorException error(String path, String message) {
      return usage(file + ": " + path + ": " + message);
    }

    /**
     * The object's fields, checking that each is known; {@code unsupported} maps keys airgap
     * rejects to the reason.
     */
    private Map<String, JsonNode> fields(
        String path, JsonNode n, Set<String> known, Map<String, String> unsupported) {
      if (!n.isObject()) {
        throw error(path, "must be a mapping, not " + kind(n));
      }
      Map<String, JsonNode> out = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = join(path, e.getKey());
        if (unsupported.containsKey(e.getKey())) {
          if (!isEmptyOrFalse(e.getValue())) {
            throw error(p, "not supported by airgap: " + unsupported.get(e.getKey()));
          }
          continue;
        }
        if (!known.contains(e.getKey())) {
          throw error(
              p,
              "unknown key (known here: "
                  + String.join(", ", known.stream().sorted().toList())
                  + ")");
        }
        out.put(e.getKey(), e.getValue());
      }
      return out;
    }

    private static boolean isEmptyOrFalse(JsonNode v) {
      return v.isNull()
          || (v.isBoolean() && !v.asBoolean())
          || (v.isContainerNode() && v.isEmpty())
          || (v.isTextual() && v.asText().isEmpty());
    }

    private static String join(String path, String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    private static String kind(JsonNode n) {
      return n.isObject()
          ? "a mapping"
          : n.isArray()
              ? "a list"
              : n.isTextual() ? "a string" : n.getNodeType().name().toLowerCase();
    }

    private String string(String path, JsonNode n) {
      if (!n.isTextual()) {
        throw error(path, "must be a string, not " + kind(n));
      }
      return n.asText();
    }

    private String nonEmpty(String path, JsonNode n) {
      String s = string(path, n);
      if (s.isBlank()) {
        throw error(path, "must not be empty");
      }
      return s;
    }

    private boolean bool(String path, JsonNode n) {
      if (!n.isBoolean()) {
        throw error(path, "must be true or false, not " + kind(n));
      }
      return n.asBoolean();
    }

    private List<JsonNode> list(String path, JsonNode n) {
      if (n == null || n.isNull()) {
        return List.of();
      }
      if (!n.isArray()) {
        throw error(path, "must be a list, not " + kind(n));
      }
      List<JsonNode> out = new ArrayList<>();
      n.forEach(out::add);
      return out;
    }

    private Optional<Semver> version(String path, JsonNode n) {
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
      String s = string(path, n);
      try {
        return Optional.of(Semver.parse(s));
      } catch (IllegalArgumentException e) {
        throw error(path, "'" + s + "' is not a semantic version (" + e.getMessage() + ")");
      }
    }

    private Optional<String> optString(String path, JsonNode n) {
      return n == null || n.isNull() ? Optional.empty() : Optional.of(string(path, n));
    }

    private void required(String path, Map<String, JsonNode> f, String key) {
      if (!f.containsKey(key) || f.get(key).isNull()) {
        throw error(join(path, key), "is required");
      }
    }

    ImageSetConfig config(JsonNode root) {
      if (root == null || root.isMissingNode() || root.isNull()) {
        throw usage(file + ": empty: not an ImageSetConfiguration");
      }
      Map<String, JsonNode> f =
          fields("", root, Set.of("apiVersion", "kind", "archiveSize", "mirror"), Map.of());
      required("", f, "apiVersion");
      required("", f, "kind");
      String api = string("apiVersion", f.get("apiVersion"));
      if (!API_VERSION.equals(api)) {
        throw error(
            "apiVersion",
            "'"
                + api
                + "' is not supported: airgap reads "
                + API_VERSION
                + " (oc-mirror v2); v1alpha2 is oc-mirror v1's format");
      }
      String kind = string("kind", f.get("kind"));
      if (!KIND.equals(kind)) {
        throw error("kind", "'" + kind + "': expected " + KIND);
      }
      Optional<Long> archiveSize = Optional.empty();
      if (f.containsKey("archiveSize")) {
        JsonNode a = f.get("archiveSize");
        if (!a.isIntegralNumber() || a.asLong() < 1) {
          throw error("archiveSize", "must be a whole number of GB, at least 1");
        }
        archiveSize = Optional.of(a.asLong());
      }
      required("", f, "mirror");
      Map<String, JsonNode> m =
          fields(
              "mirror",
              f.get("mirror"),
              Set.of("platform", "operators", "additionalImages", "blockedImages"),
              Map.of(
                  "helm", "Helm charts are not mirrored; list their images in additionalImages",
                  "samples", "oc-mirror does not implement samples either"));
      Optional<PlatformSpec> platform =
          m.containsKey("platform") && !m.get("platform").isNull()
              ? Optional.of(platform(m.get("platform")))
              : Optional.empty();
      List<OperatorSpec> operators = new ArrayList<>();
      Set<String> catalogs = new HashSet<>();
      List<JsonNode> ops = list("mirror.operators", m.get("operators"));
      for (int i = 0; i < ops.size(); i++) {
        OperatorSpec o = operator("mirror.operators[" + i + "]", ops.get(i));
        if (!catalogs.add(o.catalog() + "|" + o.targetCatalog().orElse(""))) {
          throw error("mirror.operators[" + i + "].catalog", "catalog " + o.catalog() + " twice");
        }
        operators.add(o);
      }
      List<String> additional = new ArrayList<>();
      List<JsonNode> adds = list("mirror.additionalImages", m.get("additionalImages"));
      for (int i = 0; i < adds.size(); i++) {
        String p = "mirror.additionalImages[" + i + "]";
        Map<String, JsonNode> a =
            fields(
                p,
                adds.get(i),
                Set.of("name"),
                Map.of(
                    "targetRepo", "images keep their source repository path under --to",
                    "targetTag", "images keep their source tag",
                    "platforms", "use --platform OS/ARCH for the whole run"));
        required(p, a, "name");
        String name = nonEmpty(p + ".name", a.get("name"));
        try {
          ImageRef.parse(name);
        } catch (MirrorException e) {
          throw error(p + ".name", e.getMessage());
        }
        additional.add(name);
      }
      List<Pattern> blocked = new ArrayList<>();
      List<JsonNode> bs = list("mirror.blockedImages", m.get("blockedImages"));
      for (int i = 0; i < bs.size(); i++) {
        String p = "mirror.blockedImages[" + i + "]";
        Map<String, JsonNode> b = fields(p, bs.get(i), Set.of("name"), Map.of());
        required(p, b, "name");
        String re = nonEmpty(p + ".name", b.get("name"));
        try {
          blocked.add(Pattern.compile(re));
        } catch (PatternSyntaxException e) {
          throw error(
              p + ".name", "'" + re + "' is not a regular expression: " + e.getDescription());
        }
      }
      return new ImageSetConfig(archiveSize, platform, operators, additional, blocked);
    }

    private PlatformSpec platform(JsonNode n) {
      String path = "mirror.platform";
      Map<String, JsonNode> f =
          fields(
              path,
              n,
              Set.of("channels", "release", "graph", "kubeVirtContainer", "architectures"),
              Map.of(
                  "platforms",
                  "use architectures: [amd64] (one architecture per run) or --platform"));
      for (JsonNode a : list(path + ".architectures", f.get("architectures"))) {
        String arch = string(path + ".architectures", a);
        if (!arch.equals("amd64")) {
          throw error(
              path + ".architectures",
              "'" + arch + "' is not supported: airgap mirrors amd64 release payloads");
        }
      }
      List<ChannelSpec> channels = new ArrayList<>();
      Set<String> names = new HashSet<>();
      List<JsonNode> cs = list(path + ".channels", f.get("channels"));
      for (int i = 0; i < cs.size(); i++) {
        String p = path + ".channels[" + i + "]";
        Map<String, JsonNode> c =
            fields(
                p,
                cs.get(i),
                Set.of("name", "type", "minVersion", "maxVersion", "full"),
                Map.of("shortestPath", "airgap mirrors every version in the range"));
        required(p, c, "name");
        String name = nonEmpty(p + ".name", c.get("name"));
        String type = c.containsKey("type") ? string(p + ".type", c.get("type")) : "ocp";
        if (!type.equals("ocp") && !type.equals("okd")) {
          throw error(p + ".type", "'" + type + "': expected ocp or okd");
        }
        if (!names.add(type + "/" + name)) {
          throw error(p + ".name", "channel " + name + " twice");
        }
        Optional<Semver> min = version(p + ".minVersion", c.get("minVersion"));
        Optional<Semver> max = version(p + ".maxVersion", c.get("maxVersion"));
        if (min.isPresent() && max.isPresent() && min.get().compareTo(max.get()) > 0) {
          throw error(p, "minVersion " + min.get() + " is above maxVersion " + max.get());
        }
        boolean full = c.containsKey("full") && bool(p + ".full", c.get("full"));
        channels.add(new ChannelSpec(name, type, min, max, full));
      }
      Optional<String> release = optString(path + ".release", f.get("release"));
      if (release.isPresent()) {
        try {
          ImageRef.parse(release.get());
        } catch (MirrorException e) {
          throw error(path + ".release", e.getMessage());
        }
      }
      boolean graph = f.containsKey("graph") && bool(path + ".graph", f.get("graph"));
      boolean kubeVirt =
          f.containsKey("kubeVirtContainer")
              && bool(path + ".kubeVirtContainer", f.get("kubeVirtContainer"));
      if (channels.isEmpty() && release.isEmpty()) {
        throw error(path, "needs channels or a release");
      }
      return new PlatformSpec(channels, release, graph, kubeVirt);
    }

    private OperatorSpec operator(String path, JsonNode n) {
      Map<String, JsonNode> f =
          fields(
              path,
              n,
              Set.of(
                  "catalog", "targetCatalog", "targetTag", "full", "skipDependencies", "packages"),
              Map.of(
                  "targetCatalogSourceTemplate",
                  "airgap writes the CatalogSource itself",
                  "platforms",
                  "use --platform OS/ARCH for the whole run"));
      required(path, f, "catalog");
      String catalog = nonEmpty(path + ".catalog", f.get("catalog"));
      if (catalog.startsWith("oci://") || catalog.startsWith("file://")) {
        throw error(path + ".catalog", "local catalogs (oci://) are not supported: push it first");
      }
      try {
        ImageRef.parse(catalog);
      } catch (MirrorException e) {
        throw error(path + ".catalog", e.getMessage());
      }
      Optional<String> targetCatalog = optString(path + ".targetCatalog", f.get("targetCatalog"));
      if (targetCatalog.isPresent()) {
        try {
          org.airgap.registry.api.RepoName.parse(targetCatalog.get());
        } catch (RuntimeException e) {
          throw error(
              path + ".targetCatalog", "'" + targetCatalog.get() + "' is not a repository path");
        }
      }
      Optional<String> targetTag = optString(path + ".targetTag", f.get("targetTag"));
      if (targetTag.isPresent()) {
        try {
          org.airgap.registry.api.Tag.parse(targetTag.get());
        } catch (RuntimeException e) {
          throw error(path + ".targetTag", "'" + targetTag.get() + "' is not a tag");
        }
      }
      boolean full = f.containsKey("full") && bool(path + ".full", f.get("full"));
      boolean skip =
          f.containsKey("skipDependencies")
              && bool(path + ".skipDependencies", f.get("skipDependencies"));
      List<PackageSpec> packages = new ArrayList<>();
      Set<String> names = new HashSet<>();
      List<JsonNode> ps = list(path + ".packages", f.get("packages"));
      for (int i = 0; i < ps.size(); i++) {
        String p = path + ".packages[" + i + "]";
        PackageSpec pkg = pkg(p, ps.get(i));
        if (!names.add(pkg.name())) {
          throw error(p + ".name", "package " + pkg.name() + " twice");
        }
        packages.add(pkg);
      }
      return new OperatorSpec(catalog, targetCatalog, targetTag, full, skip, packages);
    }

    private PackageSpec pkg(String path, JsonNode n) {
      Map<String, JsonNode> f =
          fields(
              path,
              n,
              Set.of("name", "channels", "defaultChannel", "minVersion", "maxVersion"),
              Map.of());
      required(path, f, "name");
      String name = nonEmpty(path + ".name", f.get("name"));
      Optional<Semver> min = version(path + ".minVersion", f.get("minVersion"));
      Optional<Semver> max = version(path + ".maxVersion", f.get("maxVersion"));
      List<PackageChannel> channels = new ArrayList<>();
      Set<String> names = new HashSet<>();
      List<JsonNode> cs = list(path + ".channels", f.get("channels"));
      for (int i = 0; i < cs.size(); i++) {
        String p = path + ".channels[" + i + "]";
        Map<String, JsonNode> c =
            fields(p, cs.get(i), Set.of("name", "minVersion", "maxVersion"), Map.of());
        required(p, c, "name");
        String cn = nonEmpty(p + ".name", c.get("name"));
        if (!names.add(cn)) {
          throw error(p + ".name", "channel " + cn + " twice");
        }
        Optional<Semver> cmin = version(p + ".minVersion", c.get("minVersion"));
        Optional<Semver> cmax = version(p + ".maxVersion", c.get("maxVersion"));
        if ((cmin.isPresent() || cmax.isPresent()) && (min.isPresent() || max.isPresent())) {
          throw error(
              p,
              "versions on the package and on its channels cannot be mixed: use one or the other");
        }
        channels.add(new PackageChannel(cn, cmin, cmax));
      }
      Optional<String> def = optString(path + ".defaultChannel", f.get("defaultChannel"));
      return new PackageSpec(name, channels, def, min, max);
    }
  }
}
