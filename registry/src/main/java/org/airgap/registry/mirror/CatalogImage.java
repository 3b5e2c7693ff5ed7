package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.Manifest;
import org.airgap.registry.api.MediaTypes;
import org.airgap.registry.api.RegistryException;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An operator catalog image: reading its file-based catalog out of its layers, and building the
 * filtered image that replaces it in the target.
 *
 * <p>Reading walks the layers bottom up, honours whiteouts, and keeps the files under the configs
 * folder (the image's {@code operators.operatorframework.io.index.configs.v1} label, {@code
 * /configs} by default). A layer holding nothing but that folder and opm's {@code /tmp/cache} is a
 * catalog layer; the others are base layers (opm, its runtime).
 *
 * <p>Building keeps the base layers by digest (they are copied, never rebuilt) and puts one new
 * layer on top, built by Jib core from the filtered catalog: {@code /configs/PACKAGE/catalog.json},
 * an opaque whiteout of {@code /configs} (so nothing of the original catalog shows through) and a
 * whiteout of {@code /tmp/cache} (opm rebuilds its cache at start). The config is the original's
 * with the diff IDs and history of the kept layers plus the new one; Jib's fixed timestamps make
 * the same catalog build the same digest every time.
 */
public final class CatalogImage {
  public static final String CONFIGS_LABEL = "operators.operatorframework.io.index.configs.v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A catalog image as read.
   *
   * @param manifest the image manifest read (the {@code linux/amd64} one of an index)
   * @param config the image config
   * @param layers every layer of the manifest, bottom up
   * @param catalogLayers for each layer, whether it holds only the catalog (and opm's cache)
   * @param configsDir the configs folder, relative ({@code configs})
   * @param catalog the file-based catalog
   */
  public record Read(
      ManifestBlob manifest,
      ObjectNode config,
      List<Descriptor> layers,
      List<Boolean> catalogLayers,
      String configsDir,
      Map<String, Path> files,
      Path spill,
      FileBasedCatalog catalog)
      implements AutoCloseable {

    /**
     * The catalog parsed again with full objects for {@code full} packages (the others' bundles
     * lose their heavy {@code olm.bundle.object} and {@code olm.csv.metadata} properties).
     */
    public Read withFull(java.util.function.Predicate<String> full) {
      return new Read(
          manifest,
          config,
          layers,
          catalogLayers,
          configsDir,
          files,
          spill,
          FileBasedCatalog.parse(spill.toString(), files, full));
    }

    /** Removes the spilled catalog files. */
    @Override
    public void close() {
      try {
        deleteTree(spill);
      } catch (IOException e) {
        // a temp folder left behind
      }
    }
  }

  private CatalogImage() {}

  /** Reads the catalog image {@code reference} of {@code content}, every object in full. */
  public static Read read(ImageContent content, String reference) {
    return read(content, reference, pkg -> true);
  }

  /**
   * Reads the catalog image {@code reference} of {@code content}: the configs files are spilled to
   * a temp folder (closing the result removes it) and parsed one object at a time, bundles of
   * packages {@code full} does not accept without their heavy properties, so that a catalog of
   * hundreds of packages need not fit in the heap.
   */
  public static Read read(
      ImageContent content, String reference, java.util.function.Predicate<String> full) {
    String where = content.where() + ":" + reference;
    ManifestBlob top =
        content
            .manifest(reference)
            .orElseThrow(
                () ->
                    new MirrorException(
                        MirrorException.Kind.NOT_FOUND, where + ": catalog image not found"));
    Manifest m = parse(where, top);
    ManifestBlob image = top;
    if (MediaTypes.isIndex(m.mediaType())) {
      Descriptor child =
          m.manifests().stream()
              .filter(c -> Platform.parse("linux/amd64").matches(c.raw().get("platform")))
              .findFirst()
              .orElseThrow(
                  () ->
                      new MirrorException(
                          MirrorException.Kind.NOT_FOUND,
                          where + ": the catalog index has no linux/amd64 image"));
      image =
          content
              .manifest(child.digest().toString())
              .orElseThrow(
                  () ->
                      new MirrorException(
                          MirrorException.Kind.NOT_FOUND,
                          where + ": manifest " + child.digest() + " not found"));
      m = parse(where, image);
    }
    Descriptor configDesc = m.blobs().get(0);
    ObjectNode config;
    try (InputStream in = content.blob(configDesc.digest())) {
      config = (ObjectNode) JSON.readTree(in.readAllBytes());
    } catch (IOException | ClassCastException e) {
      throw new MirrorException(
          MirrorException.Kind.PROTOCOL, where + ": the image config is not a JSON object", e);
    }
    String label =
        LayerFiles.normalize(
            config.path("config").path("Labels").path(CONFIGS_LABEL).asText("/configs"));
    while (label.endsWith("/")) {
      label = label.substring(0, label.length() - 1);
    }
    String configsDir = label;
    List<Descriptor> layers = m.blobs().subList(1, m.blobs().size());
    List<Boolean> catalogOnly = new ArrayList<>();
    Map<String, Path> files = new TreeMap<>();
    String prefix = configsDir + "/";
    Path spill;
    try {
      spill = Files.createTempDirectory("airgap-catalog-");
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.LOCAL_IO, where + ": cannot create a temp folder: " + e, e);
    }
    int[] counter = {0};
    try {
      for (Descriptor layer : layers) {
        Map<String, Path> added = new HashMap<>();
        List<String> removed = new ArrayList<>();
        boolean[] onlyCatalog = {true};
        try (InputStream in = content.blob(layer.digest())) {
          LayerFiles.read(
              in,
              where + ": layer " + layer.digest(),
              (path, entry, data) -> {
                String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                boolean inConfigs = p.equals(configsDir) || p.startsWith(prefix);
                boolean inCache =
                    p.equals("tmp/cache")
                        || p.startsWith("tmp/cache/")
                        || p.equals("tmp/.wh.cache");
                boolean parent = p.isEmpty() || p.equals("tmp") || configsDir.startsWith(p + "/");
                if (!inConfigs && !inCache && !parent) {
                  onlyCatalog[0] = false;
                }
                String name = p.substring(p.lastIndexOf('/') + 1);
                String dir = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "";
                if (name.equals(".wh..wh..opq")) {
                  removed.add(dir + "/");
                } else if (name.startsWith(".wh.")) {
                  removed.add((dir.isEmpty() ? "" : dir + "/") + name.substring(4));
                } else if (inConfigs && entry.isFile()) {
                  Path f = spill.resolve("f" + counter[0]++);
                  Files.copy(data, f);
                  added.put(p.substring(prefix.length()), f);
                }
                return true;
              });
        } catch (IOException e) {
          throw new MirrorException(
              MirrorException.Kind.UNREACHABLE, where + ": layer " + layer.digest() + ": " + e, e);
        }
        for (String r : removed) {
          String rel;
          if (r.equals(prefix)
              || (r + "/").equals(prefix)
              || prefix.startsWith(r.endsWith("/") ? r : r + "/")) {
            rel = "";
          } else if (r.startsWith(prefix)) {
            rel = r.substring(prefix.length());
          } else {
            continue;
          }
          String gone = rel;
          files
              .keySet()
              .removeIf(
                  k ->
                      gone.isEmpty()
                          || k.equals(gone)
                          || k.startsWith(gone.endsWith("/") ? gone : gone + "/"));
        }
        files.putAll(added);
        catalogOnly.add(onlyCatalog[0]);
      }
      if (files.isEmpty()) {
        throw new MirrorException(
            MirrorException.Kind.PROTOCOL,
            where + ": not a file-based catalog: nothing under /" + configsDir);
      }
      return new Read(
          image,
          config,
          List.copyOf(layers),
          catalogOnly,
          configsDir,
          Map.copyOf(files),
          spill,
          FileBasedCatalog.parse(where, files, full));
    } catch (RuntimeException e) {
      try {
        deleteTree(spill);
      } catch (IOException ignored) {
        // a temp folder left behind
      }
      throw e;
    }
  }

  private static Manifest parse(String where, ManifestBlob b) {
    try {
      return Manifest.parse(Optional.of(b.mediaType()), b.bytes());
    } catch (RegistryException e) {
      throw new MirrorException(MirrorException.Kind.PROTOCOL, where + ": " + e.text(), e);
    }
  }

  /**
   * Builds the filtered image: the base layers of {@code read} (their bytes from {@code
   * baseLayers}) and a new catalog layer; {@code work} is a scratch folder for Jib.
   */
  public static Mirror.Built build(
      String source,
      Read read,
      FileBasedCatalog filtered,
      RepoName repository,
      Tag tag,
      Function<Digest, BlobSource> baseLayers,
      Path work) {
    byte[] layer;
    Digest diffId;
    try {
      Files.createDirectories(work);
      Path root = Files.createTempDirectory(work, "catalog-");
      FileEntriesLayer.Builder lb = FileEntriesLayer.builder().setName("filtered catalog");
      Path opaque = Files.write(root.resolve("opaque"), new byte[0]);
      lb.addEntry(opaque, AbsoluteUnixPath.get("/" + read.configsDir() + "/.wh..wh..opq"));
      lb.addEntry(opaque, AbsoluteUnixPath.get("/tmp/.wh.cache"));
      int i = 0;
      for (Map.Entry<String, byte[]> f : filtered.files().entrySet()) {
        Path p = Files.write(root.resolve("f" + i++), f.getValue());
        lb.addEntry(p, AbsoluteUnixPath.get("/" + read.configsDir() + "/" + f.getKey()));
      }
      Path tar = root.resolve("image.tar");
      Jib.fromScratch()
          .setFormat(ImageFormat.OCI)
          .addFileEntriesLayer(lb.build())
          .containerize(
              Containerizer.to(TarImage.at(tar).named("airgap/filtered-catalog:build"))
                  .setOfflineMode(true)
                  .setBaseImageLayersCache(root.resolve("cache-base"))
                  .setApplicationLayersCache(root.resolve("cache-app"))
                  .setToolName("airgap"));
      byte[][] out = jibLayer(tar);
      layer = out[0];
      diffId = Digest.parse(new String(out[1], StandardCharsets.US_ASCII));
      deleteTree(root);
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.LOCAL_IO, source + ": cannot build the filtered catalog: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MirrorException(MirrorException.Kind.LOCAL_IO, source + ": interrupted", e);
    } catch (Exception e) {
      throw new MirrorException(
          MirrorException.Kind.LOCAL_IO,
          source + ": Jib could not build the filtered catalog: " + e,
          e);
    }
    Manifest m = parse(source, read.manifest());
    boolean docker = MediaTypes.DOCKER_MANIFEST.equals(m.mediaType());
    boolean gzip = layer.length > 1 && (layer[0] & 0xff) == 0x1f && (layer[1] & 0xff) == 0x8b;
    String layerType =
        docker
            ? "application/vnd.docker.image.rootfs.diff.tar" + (gzip ? ".gzip" : "")
            : "application/vnd.oci.image.layer.v1.tar" + (gzip ? "+gzip" : "");
    // config: diff IDs and history of the kept layers, then ours
    ObjectNode config = read.config().deepCopy();
    ArrayNode oldIds = (ArrayNode) read.config().path("rootfs").path("diff_ids");
    ArrayNode ids = JSON.createArrayNode();
    List<Descriptor> kept = new ArrayList<>();
    for (int i = 0; i < read.layers().size(); i++) {
      if (!read.catalogLayers().get(i)) {
        kept.add(read.layers().get(i));
        if (i < oldIds.size()) {
          ids.add(oldIds.get(i).asText());
        }
      }
    }
    ids.add(diffId.toString());
    ObjectNode rootfs = JSON.createObjectNode();
    rootfs.put("type", "layers");
    rootfs.set("diff_ids", ids);
    config.set("rootfs", rootfs);
    if (read.config().has("history")) {
      ArrayNode hist = JSON.createArrayNode();
      int li = 0;
      for (JsonNode h : read.config().path("history")) {
        boolean empty = h.path("empty_layer").asBoolean(false);
        if (empty || (li < read.catalogLayers().size() && !read.catalogLayers().get(li))) {
          hist.add(h.deepCopy());
        }
        if (!empty) {
          li++;
        }
      }
      ObjectNode mine = JSON.createObjectNode();
      mine.put("created", "1970-01-01T00:00:00Z");
      mine.put("created_by", "airgap mirror: filtered catalog");
      mine.put("comment", "packages: " + String.join(", ", filtered.packages().keySet()));
      hist.add(mine);
      config.set("history", hist);
    }
    byte[] configBytes;
    try {
      configBytes = JSON.writeValueAsBytes(config);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Digest configDigest = Digest.sha256(configBytes);
    Digest layerDigest = Digest.sha256(layer);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST);
    ObjectNode cd = JSON.createObjectNode();
    cd.put("mediaType", m.blobs().get(0).mediaType());
    cd.put("digest", configDigest.toString());
    cd.put("size", configBytes.length);
    manifest.set("config", cd);
    ArrayNode ls = manifest.putArray("layers");
    for (Descriptor d : kept) {
      ls.add(d.raw().deepCopy());
    }
    ObjectNode nl = JSON.createObjectNode();
    nl.put("mediaType", layerType);
    nl.put("digest", layerDigest.toString());
    nl.put("size", layer.length);
    ls.add(nl);
    if (m.annotations().isPresent() && !docker) {
      manifest.set("annotations", m.annotations().get().deepCopy());
    }
    byte[] manifestBytes;
    try {
      manifestBytes = JSON.writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ManifestBlob mb =
        new ManifestBlob(
            Digest.sha256(manifestBytes), manifest.path("mediaType").asText(), manifestBytes);
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(
        new Descriptor(
            cd.path("mediaType").asText(), configDigest, configBytes.length, Optional.empty(), cd));
    blobs.addAll(kept);
    blobs.add(new Descriptor(layerType, layerDigest, layer.length, Optional.empty(), nl));
    ImagePlan plan =
        new ImagePlan(source, repository, mb.digest(), List.of(tag), List.of(mb), blobs);
    Map<Digest, byte[]> local = Map.of(configDigest, configBytes, layerDigest, layer);
    Function<Digest, BlobSource> sources =
        d -> local.containsKey(d) ? bytes(local.get(d)) : baseLayers.apply(d);
    return new Mirror.Built(plan, sources);
  }

  static BlobSource bytes(byte[] b) {
    return offset -> {
      ByteArrayInputStream in = new ByteArrayInputStream(b);
      in.skipNBytes(offset);
      return in;
    };
  }

  /** The one layer of Jib's tarball and its diff ID (OCI layout or docker-load format). */
  private static byte[][] jibLayer(Path tar) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    try (TarArchiveInputStream t = new TarArchiveInputStream(Files.newInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        if (e.isFile()) {
          entries.put(LayerFiles.normalize(e.getName()), t.readAllBytes());
        }
      }
    }
    JsonNode manifest;
    Function<String, byte[]> blob;
    if (entries.containsKey("index.json")) {
      JsonNode idx = JSON.readTree(entries.get("index.json"));
      blob = d -> entries.get("blobs/" + d.replace(':', '/'));
      manifest = JSON.readTree(blob.apply(idx.path("manifests").path(0).path("digest").asText()));
      JsonNode cfg = JSON.readTree(blob.apply(manifest.path("config").path("digest").asText()));
      byte[] layer = blob.apply(manifest.path("layers").path(0).path("digest").asText());
      return new byte[][] {
        layer,
        cfg.path("rootfs").path("diff_ids").path(0).asText().getBytes(StandardCharsets.US_ASCII)
      };
    }
    JsonNode dm = JSON.readTree(entries.get("manifest.json")).path(0);
    JsonNode cfg = JSON.readTree(entries.get(dm.path("Config").asText()));
    byte[] layer = entries.get(dm.path("Layers").path(0).asText());
    return new byte[][] {
      layer,
      cfg.path("rootfs").path("diff_ids").path(0).asText().getBytes(StandardCharsets.US_ASCII)
    };
  }

  private static void deleteTree(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
