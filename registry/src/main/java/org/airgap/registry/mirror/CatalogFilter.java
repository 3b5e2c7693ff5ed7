package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Keeps of a {@link FileBasedCatalog} what an {@code operators[]} entry selects:
 *
 * <ul>
 *   <li>no {@code packages}: the whole catalog;
 *   <li>a package: its listed channels, else its default channel; in each channel the bundles
 *       within the package's or the channel's {@code minVersion}/{@code maxVersion} (either bound
 *       alone is open on the other side), else only the channel head (its highest version), or
 *       every bundle with {@code full: true};
 *   <li>the default channel: {@code defaultChannel} when given, else the package's own when kept,
 *       else the first kept channel;
 *   <li>dependencies (unless {@code skipDependencies}): for every {@code olm.package.required} of a
 *       kept bundle that no kept bundle satisfies, the highest bundle of that package in the range
 *       (from its default channel when there), with its channel and package; repeated until nothing
 *       is missing.
 * </ul>
 *
 * Channel entries keep only kept bundles; {@code olm.deprecations} entries keep only references to
 * what is kept.
 */
public final class CatalogFilter {
  private CatalogFilter() {}

  /** The filtered catalog; {@code notes} hears about dependencies added and ranges not read. */
  public static FileBasedCatalog filter(
      FileBasedCatalog in, ImageSetConfig.OperatorSpec spec, Consumer<String> notes) {
    if (spec.packages().isEmpty()) {
      return in;
    }
    // package → channel → kept bundle names
    Map<String, Map<String, Set<String>>> kept = new TreeMap<>();
    Map<String, String> defaults = new TreeMap<>();
    for (ImageSetConfig.PackageSpec p : spec.packages()) {
      ObjectNode pkg = in.packages().get(p.name());
      if (pkg == null) {
        throw new MirrorException(
            MirrorException.Kind.NOT_FOUND,
            spec.catalog() + ": package " + p.name() + " is not in the catalog");
      }
      List<ImageSetConfig.PackageChannel> chans =
          p.channels().isEmpty()
              ? List.of(
                  new ImageSetConfig.PackageChannel(
                      pkg.path("defaultChannel").asText(), Optional.empty(), Optional.empty()))
              : p.channels();
      Map<String, Set<String>> byChannel = new LinkedHashMap<>();
      for (ImageSetConfig.PackageChannel c : chans) {
        ObjectNode ch =
            in.channel(p.name(), c.name())
                .orElseThrow(
                    () ->
                        new MirrorException(
                            MirrorException.Kind.NOT_FOUND,
                            spec.catalog()
                                + ": package "
                                + p.name()
                                + " has no channel "
                                + c.name()));
        Optional<Semver> min = c.minVersion().or(p::minVersion);
        Optional<Semver> max = c.maxVersion().or(p::maxVersion);
        byChannel.put(c.name(), select(in, p.name(), ch, min, max, spec.full()));
        if (byChannel.get(c.name()).isEmpty()) {
          throw new MirrorException(
              MirrorException.Kind.NOT_FOUND,
              spec.catalog()
                  + ": package "
                  + p.name()
                  + " channel "
                  + c.name()
                  + " has no bundle in the range");
        }
      }
      kept.put(p.name(), byChannel);
      String def =
          p.defaultChannel()
              .orElse(
                  byChannel.containsKey(pkg.path("defaultChannel").asText())
                      ? pkg.path("defaultChannel").asText()
                      : byChannel.keySet().iterator().next());
      if (!byChannel.containsKey(def)) {
        throw new MirrorException(
            MirrorException.Kind.USAGE,
            spec.catalog() + ": package " + p.name() + ": defaultChannel " + def + " is not kept");
      }
      defaults.put(p.name(), def);
    }
    if (!spec.skipDependencies()) {
      dependencies(in, kept, defaults, notes);
    }
    return build(in, kept, defaults);
  }

  private static Set<String> select(
      FileBasedCatalog in,
      String pkg,
      ObjectNode channel,
      Optional<Semver> min,
      Optional<Semver> max,
      boolean full) {
    record V(String name, Semver version) {}
    List<V> entries = new ArrayList<>();
    for (JsonNode e : channel.path("entries")) {
      String name = e.path("name").asText();
      in.bundle(pkg, name)
          .flatMap(FileBasedCatalog::version)
          .ifPresent(v -> entries.add(new V(name, v)));
    }
    entries.sort(Comparator.comparing(V::version));
    Set<String> out = new LinkedHashSet<>();
    if (min.isEmpty() && max.isEmpty() && !full) {
      if (!entries.isEmpty()) {
        out.add(entries.get(entries.size() - 1).name());
      }
      return out;
    }
    for (V v : entries) {
      if (v.version().within(min, max)) {
        out.add(v.name());
      }
    }
    return out;
  }

  private static void dependencies(
      FileBasedCatalog in,
      Map<String, Map<String, Set<String>>> kept,
      Map<String, String> defaults,
      Consumer<String> notes) {
    for (int round = 0; round < 100; round++) {
      boolean added = false;
      for (String pkg : List.copyOf(kept.keySet())) {
        Set<String> names = new LinkedHashSet<>();
        kept.get(pkg).values().forEach(names::addAll);
        for (String bn : names) {
          ObjectNode b = in.bundle(pkg, bn).orElseThrow();
          for (JsonNode prop : b.path("properties")) {
            if (!"olm.package.required".equals(prop.path("type").asText())) {
              continue;
            }
            String dep = prop.path("value").path("packageName").asText();
            String rangeText = prop.path("value").path("versionRange").asText("");
            Optional<VersionRange> range = VersionRange.tryParse(rangeText);
            if (range.isEmpty()) {
              notes.accept(
                  bn
                      + " requires "
                      + dep
                      + " '"
                      + rangeText
                      + "': range not understood, not added");
              continue;
            }
            if (satisfied(in, kept, dep, range.get())) {
              continue;
            }
            added |= addDependency(in, kept, defaults, dep, range.get(), bn, notes);
          }
        }
      }
      if (!added) {
        return;
      }
    }
  }

  private static boolean satisfied(
      FileBasedCatalog in, Map<String, Map<String, Set<String>>> kept, String pkg, VersionRange r) {
    Map<String, Set<String>> chans = kept.get(pkg);
    if (chans == null) {
      return false;
    }
    for (Set<String> names : chans.values()) {
      for (String n : names) {
        Optional<Semver> v = in.bundle(pkg, n).flatMap(FileBasedCatalog::version);
        if (v.isPresent() && r.contains(v.get())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean addDependency(
      FileBasedCatalog in,
      Map<String, Map<String, Set<String>>> kept,
      Map<String, String> defaults,
      String pkg,
      VersionRange r,
      String by,
      Consumer<String> notes) {
    ObjectNode p = in.packages().get(pkg);
    if (p == null) {
      notes.accept(by + " requires package " + pkg + ", which is not in the catalog");
      return false;
    }
    String def = p.path("defaultChannel").asText();
    List<ObjectNode> order = new ArrayList<>();
    in.channel(pkg, def).ifPresent(order::add);
    in.channels().getOrDefault(pkg, List.of()).stream()
        .filter(c -> !c.path("name").asText().equals(def))
        .forEach(order::add);
    for (ObjectNode ch : order) {
      String best = null;
      Semver bestV = null;
      for (JsonNode e : ch.path("entries")) {
        String n = e.path("name").asText();
        Optional<Semver> v = in.bundle(pkg, n).flatMap(FileBasedCatalog::version);
        if (v.isPresent()
            && r.contains(v.get())
            && (bestV == null || v.get().compareTo(bestV) > 0)) {
          best = n;
          bestV = v.get();
        }
      }
      if (best != null) {
        String cn = ch.path("name").asText();
        kept.computeIfAbsent(pkg, k -> new LinkedHashMap<>())
            .computeIfAbsent(cn, k -> new LinkedHashSet<>())
            .add(best);
        defaults.putIfAbsent(pkg, kept.get(pkg).containsKey(def) ? def : cn);
        notes.accept("dependency: " + by + " requires " + pkg + " " + r + ": added " + best);
        return true;
      }
    }
    notes.accept(by + " requires " + pkg + " " + r + ": no bundle in the catalog satisfies it");
    return false;
  }

  private static FileBasedCatalog build(
      FileBasedCatalog in,
      Map<String, Map<String, Set<String>>> kept,
      Map<String, String> defaults) {
    Map<String, ObjectNode> packages = new TreeMap<>();
    Map<String, List<ObjectNode>> channels = new TreeMap<>();
    Map<String, List<ObjectNode>> bundles = new TreeMap<>();
    Map<String, List<ObjectNode>> others = new TreeMap<>();
    for (Map.Entry<String, Map<String, Set<String>>> e : kept.entrySet()) {
      String pkg = e.getKey();
      ObjectNode p = in.packages().get(pkg).deepCopy();
      p.put("defaultChannel", defaults.get(pkg));
      packages.put(pkg, p);
      Set<String> all = new LinkedHashSet<>();
      List<ObjectNode> chs = new ArrayList<>();
      for (Map.Entry<String, Set<String>> c : e.getValue().entrySet()) {
        ObjectNode ch = in.channel(pkg, c.getKey()).orElseThrow().deepCopy();
        ArrayNode entries = ch.putArray("entries");
        for (JsonNode en : in.channel(pkg, c.getKey()).orElseThrow().path("entries")) {
          if (c.getValue().contains(en.path("name").asText())) {
            entries.add(en.deepCopy());
          }
        }
        all.addAll(c.getValue());
        chs.add(ch);
      }
      channels.put(pkg, chs);
      List<ObjectNode> bs = new ArrayList<>();
      for (String b : all) {
        bs.add(in.bundle(pkg, b).orElseThrow().deepCopy());
      }
      bundles.put(pkg, bs);
      List<ObjectNode> os = new ArrayList<>();
      for (ObjectNode o : in.others().getOrDefault(pkg, List.of())) {
        if ("olm.deprecations".equals(o.path("schema").asText())) {
          ObjectNode d = o.deepCopy();
          ArrayNode entries = d.putArray("entries");
          for (JsonNode en : o.path("entries")) {
            String schema = en.path("reference").path("schema").asText();
            String name = en.path("reference").path("name").asText();
            boolean ok =
                switch (schema) {
                  case "olm.package" -> true;
                  case "olm.channel" -> e.getValue().containsKey(name);
                  case "olm.bundle" -> all.contains(name);
                  default -> false;
                };
            if (ok) {
              entries.add(en.deepCopy());
            }
          }
          if (!entries.isEmpty()) {
            os.add(d);
          }
        } else {
          os.add(o.deepCopy());
        }
      }
      if (!os.isEmpty()) {
        others.put(pkg, os);
      }
    }
    return new FileBasedCatalog(packages, channels, bundles, others);
  }

  /**
   * A semver range as OLM writes {@code versionRange}: comparisons ({@code >=1.0.0 <2.0.0}, {@code
   * =1.2.3}, {@code !=1.2.4}, a bare version) joined by spaces (and) and {@code ||} (or).
   */
  record VersionRange(String text, List<List<String[]>> any) {
    static Optional<VersionRange> tryParse(String text) {
      List<List<String[]>> any = new ArrayList<>();
      for (String alt : text.split("\\|\\|")) {
        List<String[]> all = new ArrayList<>();
        for (String c : alt.trim().split("\\s+")) {
          if (c.isEmpty()) {
            continue;
          }
          String op =
              c.startsWith(">=") || c.startsWith("<=") || c.startsWith("!=")
                  ? c.substring(0, 2)
                  : c.startsWith(">") || c.startsWith("<") || c.startsWith("=")
                      ? c.substring(0, 1)
                      : "=";
          String v = c.substring(c.startsWith(op) ? op.length() : 0);
          if (Semver.tryParse(v).isEmpty()) {
            return Optional.empty();
          }
          all.add(new String[] {op, v});
        }
        if (all.isEmpty()) {
          return Optional.empty();
        }
        any.add(all);
      }
      return any.isEmpty() ? Optional.empty() : Optional.of(new VersionRange(text, any));
    }

    boolean contains(Semver v) {
      for (List<String[]> all : any) {
        boolean ok = true;
        for (String[] c : all) {
          int x = v.compareTo(Semver.parse(c[1]));
          ok &=
              switch (c[0]) {
                case ">=" -> x >= 0;
                case "<=" -> x <= 0;
                case ">" -> x > 0;
                case "<" -> x < 0;
                case "!=" -> x != 0;
                default -> x == 0;
              };
        }
        if (ok) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "'" + text + "'";
    }
  }
}
