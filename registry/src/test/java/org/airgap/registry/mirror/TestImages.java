package org.airgap.registry.mirror;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.airgap.registry.api.Digest;

/**
 * Pushes test images into any registry over plain HTTP with the JDK client (Basic credentials or a
 * bearer token fetched by {@link #auth}): random layers, images, a two-platform index and a
 * cosign-style signature tag.
 */
final class TestImages {
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final String base;
  private final java.util.function.Function<String, Optional<String>> auth;

  /** {@code auth} gives the Authorization header for a repository. */
  TestImages(String base, java.util.function.Function<String, Optional<String>> auth) {
    this.base = base;
    this.auth = auth;
  }

  /** An image that {@link #push} made. */
  record Pushed(String digest, byte[] manifest, List<String> blobs) {}

  private HttpRequest.Builder req(String repo, String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    auth.apply(repo).ifPresent(a -> b.header("Authorization", a));
    return b;
  }

  String blob(String repo, byte[] bytes) throws Exception {
    String d = Digest.sha256(bytes).toString();
    HttpResponse<String> r =
        http.send(
            req(repo, "/v2/" + repo + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("POST upload: " + r.statusCode() + " " + r.body());
    }
    String loc = r.headers().firstValue("Location").orElseThrow();
    URI u = URI.create(base + "/").resolve(loc);
    String put = u + (u.toString().contains("?") ? "&" : "?") + "digest=" + d;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(put)).timeout(Duration.ofSeconds(60));
    auth.apply(repo).ifPresent(a -> b.header("Authorization", a));
    HttpResponse<String> p =
        http.send(
            b.header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (p.statusCode() != 201) {
      throw new IllegalStateException("PUT blob: " + p.statusCode() + " " + p.body());
    }
    return d;
  }

  String manifest(String repo, String ref, String type, byte[] body) throws Exception {
    HttpResponse<String> r =
        http.send(
            req(repo, "/v2/" + repo + "/manifests/" + ref)
                .header("Content-Type", type)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("PUT manifest: " + r.statusCode() + " " + r.body());
    }
    return Digest.sha256(body).toString();
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** An image with layers of the given sizes (random bytes from {@code seed}); tag may be empty. */
  Pushed push(String repo, Optional<String> tag, long seed, String arch, int... layerSizes)
      throws Exception {
    List<String> blobs = new ArrayList<>();
    byte[] config =
        ("{\"architecture\":\""
                + arch
                + "\",\"os\":\"linux\",\"seed\":"
                + seed
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
            .getBytes(StandardCharsets.UTF_8);
    String c = blob(repo, config);
    blobs.add(c);
    StringBuilder layers = new StringBuilder();
    for (int i = 0; i < layerSizes.length; i++) {
      byte[] l = random(layerSizes[i], seed * 31 + i);
      String d = blob(repo, l);
      blobs.add(d);
      layers
          .append(i > 0 ? "," : "")
          .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
          .append(d)
          .append("\",\"size\":")
          .append(l.length)
          .append('}');
    }
    byte[] m =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + c
                + "\",\"size\":"
                + config.length
                + "},\"layers\":["
                + layers
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    String digest = Digest.sha256(m).toString();
    manifest(repo, tag.orElse(digest), OCI_MANIFEST, m);
    return new Pushed(digest, m, blobs);
  }

  /** A gzip-compressed tar layer holding {@code files} (path → bytes), in order. */
  static byte[] tarGz(java.util.Map<String, byte[]> files) throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes);
        org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
            new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(
          org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
      for (java.util.Map.Entry<String, byte[]> f : files.entrySet()) {
        org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
            new org.apache.commons.compress.archivers.tar.TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  /**
   * An image whose layers are the given bytes (tar or tar+gzip) and whose config carries {@code
   * labels}; tag may be empty.
   */
  Pushed pushLayers(
      String repo, Optional<String> tag, java.util.Map<String, String> labels, byte[]... layerBytes)
      throws Exception {
    List<String> blobs = new ArrayList<>();
    StringBuilder diffIds = new StringBuilder();
    StringBuilder layers = new StringBuilder();
    for (int i = 0; i < layerBytes.length; i++) {
      byte[] l = layerBytes[i];
      String d = blob(repo, l);
      blobs.add(d);
      byte[] plain =
          l.length > 1 && (l[0] & 0xff) == 0x1f && (l[1] & 0xff) == 0x8b
              ? new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(l))
                  .readAllBytes()
              : l;
      diffIds.append(i > 0 ? "," : "").append('"').append(Digest.sha256(plain)).append('"');
      layers
          .append(i > 0 ? "," : "")
          .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
          .append(d)
          .append("\",\"size\":")
          .append(l.length)
          .append('}');
    }
    StringBuilder lab = new StringBuilder();
    labels.forEach(
        (k, v) ->
            lab.append(lab.length() > 0 ? "," : "")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{"
                + lab
                + "}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    String c = blob(repo, config);
    blobs.add(0, c);
    byte[] m =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + c
                + "\",\"size\":"
                + config.length
                + "},\"layers\":["
                + layers
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    String digest = Digest.sha256(m).toString();
    manifest(repo, tag.orElse(digest), OCI_MANIFEST, m);
    return new Pushed(digest, m, blobs);
  }

  /** A two-platform index (amd64, arm64) over two small images; returns the index. */
  Pushed pushIndex(String repo, String tag, long seed) throws Exception {
    Pushed amd = push(repo, Optional.empty(), seed, "amd64", 3000, 4000);
    Pushed arm = push(repo, Optional.empty(), seed + 1, "arm64", 3500);
    byte[] idx =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + OCI_INDEX
                + "\",\"manifests\":["
                + entry(amd, "amd64")
                + ","
                + entry(arm, "arm64")
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    String d = manifest(repo, tag, OCI_INDEX, idx);
    List<String> blobs = new ArrayList<>(amd.blobs());
    blobs.addAll(arm.blobs());
    return new Pushed(d, idx, blobs);
  }

  private static String entry(Pushed p, String arch) {
    return "{\"mediaType\":\""
        + OCI_MANIFEST
        + "\",\"digest\":\""
        + p.digest()
        + "\",\"size\":"
        + p.manifest().length
        + ",\"platform\":{\"os\":\"linux\",\"architecture\":\""
        + arch
        + "\"}}";
  }

  /** A cosign-style signature of {@code signed}: an image tagged {@code sha256-HEX.sig}. */
  Pushed pushSignature(String repo, String signed, long seed) throws Exception {
    String tag = signed.replace(':', '-') + ".sig";
    return push(repo, Optional.of(tag), seed, "amd64", 300);
  }

  /** GET a manifest's raw bytes (null when absent). */
  byte[] raw(String repo, String ref) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            req(repo, "/v2/" + repo + "/manifests/" + ref)
                .header("Accept", RegistryClient.MANIFEST_ACCEPT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return r.statusCode() == 200 ? r.body() : null;
  }

  /** GET a blob's bytes (null when absent). */
  byte[] blobBytes(String repo, String digest) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            req(repo, "/v2/" + repo + "/blobs/" + digest).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return r.statusCode() == 200 ? r.body() : null;
  }
}
