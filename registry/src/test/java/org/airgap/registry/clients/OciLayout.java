package org.airgap.registry.clients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.airgap.registry.api.Digest;

/** Writes an OCI image layout by hand: blobs by digest, manifests, an index.json with ref names. */
final class OciLayout {
  final Path dir;
  private final List<String> entries = new ArrayList<>();

  OciLayout(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  String blob(byte[] b) throws IOException {
    Digest d = Digest.sha256(b);
    Files.write(dir.resolve("blobs/sha256/" + d.hex()), b);
    return d.toString();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  /**
   * An image with {@code layers} gzip layers of {@code size} random bytes; returns its manifest.
   */
  byte[] image(String arch, int layers, int size, int seed) throws IOException {
    Random rnd = new Random(seed);
    StringBuilder diffIds = new StringBuilder();
    StringBuilder layerJson = new StringBuilder();
    for (int i = 0; i < layers; i++) {
      byte[] raw = new byte[size];
      rnd.nextBytes(raw);
      byte[] gz = gzip(raw);
      String d = blob(gz);
      if (i > 0) {
        diffIds.append(',');
        layerJson.append(',');
      }
      diffIds.append('"').append(Digest.sha256(raw)).append('"');
      layerJson
          .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
          .append(d)
          .append("\",\"size\":")
          .append(gz.length)
          .append('}');
    }
    byte[] config =
        ("{\"architecture\":\""
                + arch
                + "\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    String c = blob(config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + c
                + "\",\"size\":"
                + config.length
                + "},\"layers\":["
                + layerJson
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    blob(manifest);
    return manifest;
  }

  /** An index over image manifests, one per arch. */
  byte[] index(List<byte[]> manifests, List<String> archs) throws IOException {
    StringBuilder sb =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
    for (int i = 0; i < manifests.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(
          descriptor(
              "application/vnd.oci.image.manifest.v1+json",
              manifests.get(i),
              "\"platform\":{\"architecture\":\"" + archs.get(i) + "\",\"os\":\"linux\"}"));
    }
    byte[] index = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    blob(index);
    return index;
  }

  private static String descriptor(String mediaType, byte[] content, String extra) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + Digest.sha256(content)
        + "\",\"size\":"
        + content.length
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  /** Names {@code content} as {@code ref} in index.json. */
  void ref(String ref, String mediaType, byte[] content) throws IOException {
    entries.add(
        descriptor(
            mediaType,
            content,
            "\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref + "\"}"));
    Files.writeString(
        dir.resolve("index.json"),
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + String.join(",", entries)
            + "]}");
  }

  byte[] read(String digest) throws IOException {
    return Files.readAllBytes(dir.resolve("blobs/sha256/" + Digest.parse(digest).hex()));
  }
}
