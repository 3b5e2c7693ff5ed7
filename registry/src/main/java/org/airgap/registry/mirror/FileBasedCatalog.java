package org.airgap.registry.mirror;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An operator catalog in OLM's file-based format: {@code olm.package}, {@code olm.channel} and
 * {@code olm.bundle} objects (and others, such as {@code olm.deprecations}, kept as they are), read
 * from the JSON streams and YAML documents under the catalog's configs folder. The objects are kept
 * as JSON trees, so fields airgap does not know go out unchanged.
 */
public record FileBasedCatalog(
    Map<String, ObjectNode> packages,
    Map<String, List<ObjectNode>> channels,
    Map<String, List<ObjectNode>> bundles,
    Map<String, List<ObjectNode>> others) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public FileBasedCatalog {
    packages = new TreeMap<>(packages);
    channels = new TreeMap<>(channels);
    bundles = new TreeMap<>(bundles);
    others = new TreeMap<>(others);
  }

  /** Bundle properties that carry whole manifests: dropped from bundles not read in full. */
  static final java.util.Set<String> HEAVY =
      java.util.Set.of("olm.bundle.object", "olm.csv.metadata");

  /**
   * Reads the objects of a set of files (relative path → file), one object at a time; bundles of
   * packages that {@code full} does not accept lose their {@link #HEAVY} properties (what is left
   * is enough to resolve dependencies). {@code where} names the catalog in errors.
   */
  public static FileBasedCatalog parse(
      String where,
      Map<String, java.nio.file.Path> files,
      java.util.function.Predicate<String> full) {
    Map<String, ObjectNode> packages = new TreeMap<>();
    Map<String, List<ObjectNode>> channels = new TreeMap<>();
    Map<String, List<ObjectNode>> bundles = new TreeMap<>();
    Map<String, List<ObjectNode>> others = new TreeMap<>();
    for (Map.Entry<String, java.nio.file.Path> f : new TreeMap<>(files).entrySet()) {
      String name = f.getKey();
      boolean json = name.endsWith(".json");
      boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
      if (!json && !yaml) {
        continue;
      }
      ObjectMapper m = json ? JSON : YAML;
      try (java.io.InputStream in =
              new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(f.getValue()));
          MappingIterator<JsonNode> it = m.readerFor(JsonNode.class).readValues(in)) {
        while (it.hasNextValue()) {
          JsonNode n = it.nextValue();
          if (n == null || n.isNull() || n.isMissingNode()) {
            continue;
          }
          if (!(n instanceof ObjectNode o)) {
            throw new MirrorException(
                MirrorException.Kind.PROTOCOL, where + ": " + name + ": not a catalog object");
          }
          String schema = o.path("schema").asText("");
          switch (schema) {
            case "olm.package" -> packages.put(o.path("name").asText(), o);
            case "olm.channel" ->
                channels.computeIfAbsent(o.path("package").asText(), k -> new ArrayList<>()).add(o);
            case "olm.bundle" -> {
              String pkg = o.path("package").asText();
              if (!full.test(pkg) && o.path("properties").isArray()) {
                java.util.Iterator<JsonNode> props = o.path("properties").elements();
                while (props.hasNext()) {
                  if (HEAVY.contains(props.next().path("type").asText())) {
                    props.remove();
                  }
                }
              }
              bundles.computeIfAbsent(pkg, k -> new ArrayList<>()).add(o);
            }
            default -> {
              String pkg = o.path("package").asText("");
              if (pkg.isEmpty() || full.test(pkg)) {
                others.computeIfAbsent(pkg, k -> new ArrayList<>()).add(o);
              }
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        if (e instanceof MirrorException me) {
          throw me;
        }
        throw new MirrorException(
            MirrorException.Kind.PROTOCOL,
            where + ": " + name + " does not parse: " + e.getMessage(),
            e);
      }
    }
    return new FileBasedCatalog(packages, channels, bundles, others);
  }

  /** The version a bundle declares in its {@code olm.package} property. */
  public static Optional<Semver> version(JsonNode bundle) {
    for (JsonNode p : bundle.path("properties")) {
      if ("olm.package".equals(p.path("type").asText())) {
        return Semver.tryParse(p.path("value").path("version").asText(""));
      }
    }
    return Optional.empty();
  }

  /** A bundle of a package by name. */
  public Optional<ObjectNode> bundle(String pkg, String name) {
    return bundles.getOrDefault(pkg, List.of()).stream()
        .filter(b -> b.path("name").asText().equals(name))
        .findFirst();
  }

  /** A channel of a package by name. */
  public Optional<ObjectNode> channel(String pkg, String name) {
    return channels.getOrDefault(pkg, List.of()).stream()
        .filter(c -> c.path("name").asText().equals(name))
        .findFirst();
  }

  /** Every image a kept bundle needs: the bundle image and its related images, each once. */
  public List<String> images() {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (List<ObjectNode> bs : bundles.values()) {
      for (ObjectNode b : bs) {
        String image = b.path("image").asText("");
        if (!image.isEmpty()) {
          out.add(image);
        }
        for (JsonNode r : b.path("relatedImages")) {
          String ri = r.path("image").asText("");
          if (!ri.isEmpty()) {
            out.add(ri);
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The catalog as files, one {@code PACKAGE/catalog.json} per package (a stream of indented JSON
   * objects: the package, its channels, its bundles, the rest), in a stable order.
   */
  public Map<String, byte[]> files() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    java.util.TreeSet<String> names = new java.util.TreeSet<>(packages.keySet());
    names.addAll(others.keySet());
    names.remove("");
    for (String pkg : names) {
      StringBuilder b = new StringBuilder();
      List<ObjectNode> objs = new ArrayList<>();
      Optional.ofNullable(packages.get(pkg)).ifPresent(objs::add);
      channels.getOrDefault(pkg, List.of()).stream()
          .sorted(Comparator.comparing(c -> c.path("name").asText()))
          .forEach(objs::add);
      bundles.getOrDefault(pkg, List.of()).stream()
          .sorted(Comparator.comparing(c -> c.path("name").asText()))
          .forEach(objs::add);
      objs.addAll(others.getOrDefault(pkg, List.of()));
      for (ObjectNode o : objs) {
        try {
          b.append(PRETTY.writeValueAsString(o)).append('\n');
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      out.put(pkg + "/catalog.json", b.toString().getBytes(StandardCharsets.UTF_8));
    }
    if (others.containsKey("")) {
      StringBuilder b = new StringBuilder();
      for (ObjectNode o : others.get("")) {
        try {
          b.append(PRETTY.writeValueAsString(o)).append('\n');
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      out.put("catalog.json", b.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  static JsonFactory factory() {
    return JSON.getFactory();
  }
}
