package org.airgap.websrv.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.airgap.websrv.download.Checksum;
import org.airgap.websrv.io.AtomicFiles;

/**
 * The record of what is in the images folder and where it came from, kept in {@code
 * <images>/.airgap-images.json} (a dot-name: never served). Written whole with temp file, fsync and
 * rename.
 */
public final class ImageCatalog {
  /** The catalog's file name inside the images folder. */
  public static final String FILE = ".airgap-images.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path imagesDir;

  public ImageCatalog(Path imagesDir) {
    this.imagesDir = imagesDir;
  }

  public Path imagesDir() {
    return imagesDir;
  }

  /** Every recorded entry whose file is still there, by file name. */
  public synchronized List<CatalogEntry> entries() {
    return read().values().stream()
        .filter(e -> Files.isRegularFile(imagesDir.resolve(e.file())))
        .sorted(Comparator.comparing(CatalogEntry::file))
        .toList();
  }

  /** Adds or replaces the entry for {@code entry.file()}. */
  public synchronized void put(CatalogEntry entry) {
    Map<String, CatalogEntry> all = read();
    all.put(entry.file(), entry);
    write(all);
  }

  public Optional<CatalogEntry> find(String file) {
    return entries().stream().filter(e -> e.file().equals(file)).findFirst();
  }

  /**
   * The osImages entries: every (architecture, version) with both a live ISO and a rootfs and a
   * known OpenShift version, ordered by OpenShift version then architecture.
   */
  public List<OsImage> osImages() {
    Map<String, CatalogEntry[]> pairs = new LinkedHashMap<>();
    for (CatalogEntry e : entries()) {
      if (e.kind() == ImageKind.OTHER
          || e.architecture().isEmpty()
          || e.version().isEmpty()
          || e.openshiftVersion().isEmpty()) {
        continue;
      }
      String key =
          e.openshiftVersion().get() + " " + e.architecture().get() + " " + e.version().get();
      CatalogEntry[] pair = pairs.computeIfAbsent(key, k -> new CatalogEntry[2]);
      pair[e.kind() == ImageKind.ISO ? 0 : 1] = e;
    }
    List<OsImage> out = new ArrayList<>();
    for (CatalogEntry[] p : pairs.values()) {
      if (p[0] != null && p[1] != null) {
        out.add(
            new OsImage(
                MetalImages.cpuArchitecture(p[0].architecture().get()),
                p[0].openshiftVersion().get(),
                p[0].version().get(),
                p[0].file(),
                p[1].file()));
      }
    }
    out.sort(
        Comparator.comparing((OsImage o) -> versionKey(o.openshiftVersion()))
            .thenComparing(OsImage::cpuArchitecture)
            .thenComparing(OsImage::version));
    return out;
  }

  /** Visible files in the folder that the catalog does not know. */
  public List<String> unrecorded() {
    if (!Files.isDirectory(imagesDir)) {
      return List.of();
    }
    Map<String, CatalogEntry> known = read();
    try (Stream<Path> s = Files.list(imagesDir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && !known.containsKey(n))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String versionKey(String xy) {
    String[] parts = xy.split("\\.");
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      b.append(
          String.format(
              "%08d",
              p.chars().allMatch(Character::isDigit) && !p.isEmpty() ? Integer.parseInt(p) : 0));
    }
    return b.toString();
  }

  private Map<String, CatalogEntry> read() {
    Path f = imagesDir.resolve(FILE);
    Map<String, CatalogEntry> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(f)) {
      return out;
    }
    JsonNode root;
    try {
      root = JSON.readTree(f.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    }
    for (JsonNode n : root.path("images")) {
      CatalogEntry e =
          new CatalogEntry(
              n.path("file").asText(),
              ImageKind.valueOf(n.path("kind").asText("OTHER")),
              opt(n, "architecture"),
              opt(n, "version"),
              opt(n, "openshiftVersion"),
              opt(n, "sha256").map(Checksum::sha256),
              n.path("size").asLong(),
              n.path("source").asText(""));
      out.put(e.file(), e);
    }
    return out;
  }

  private void write(Map<String, CatalogEntry> all) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode images = root.putArray("images");
    for (CatalogEntry e : all.values()) {
      ObjectNode n = images.addObject();
      n.put("file", e.file());
      n.put("kind", e.kind().name());
      e.architecture().ifPresent(v -> n.put("architecture", v));
      e.version().ifPresent(v -> n.put("version", v));
      e.openshiftVersion().ifPresent(v -> n.put("openshiftVersion", v));
      e.sha256().ifPresent(v -> n.put("sha256", v.hex()));
      n.put("size", e.size());
      n.put("source", e.source());
    }
    try {
      AtomicFiles.write(
          imagesDir.resolve(FILE),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root),
          AtomicFiles.PUBLIC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + imagesDir.resolve(FILE), e);
    }
  }

  private static Optional<String> opt(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
  }
}
