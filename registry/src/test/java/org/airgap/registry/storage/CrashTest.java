package org.airgap.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.airgap.registry.ForkedRegistry;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's crash test: a registry in a forked JVM (online GC looping inside it) takes concurrent
 * monolithic and chunked uploads and manifest PUTs until it is killed with SIGKILL at a random
 * moment; restarted on the same storage, every stored blob re-hashes to its digest, every tag
 * resolves to a manifest whose blobs are there, every acknowledged push survived, and re-pushing
 * what was interrupted succeeds. Several rounds on one storage folder.
 */
class CrashTest {
  static final int ROUNDS = 4;
  static final int PUSHERS = 3;
  static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Process child;
  String base;
  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  /** An upload a pusher had open: its URL and the blob's bytes. */
  record Open(String location, byte[] bytes) {}

  /** Per pusher thread: the chunked upload in progress, if any. */
  final ThreadLocal<Open> current = new ThreadLocal<>();

  final Map<Integer, Open> cutUploads = new ConcurrentHashMap<>();

  /** One image as a client pushes it: repo, tag, blobs, manifest. */
  record Image(String repo, String tag, byte[] config, List<byte[]> layers, byte[] manifest) {
    String digest() {
      return RegistryFixture.sha256(manifest);
    }
  }

  @AfterEach
  void stopChild() throws Exception {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void killDuringUploadsManifestPutsAndGcLosesNothingAccepted() throws Exception {
    Path storage = dir.resolve("registry");
    Path htpasswd = RegistryFixture.writeUsers(dir.resolve("htpasswd"));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Map<String, Image> accepted = new ConcurrentHashMap<>();
    start(storage, htpasswd, 0);
    for (int round = 0; round < ROUNDS; round++) {
      Map<Integer, Image> interrupted = new ConcurrentHashMap<>();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      int before = accepted.size();
      List<Thread> pushers = new ArrayList<>();
      for (int t = 0; t < PUSHERS; t++) {
        int id = t;
        long s = random.nextLong();
        String prefix = "r" + round + "-p" + t + "-";
        Thread th =
            new Thread(
                () -> {
                  try {
                    push(id, prefix, new Random(s), accepted, interrupted);
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                },
                "pusher-" + t);
        th.start();
        pushers.add(th);
      }
      long killAfter = 300 + random.nextInt(1700);
      Thread.sleep(killAfter);
      child.destroyForcibly(); // SIGKILL on Linux
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      for (Thread th : pushers) {
        th.join(30_000);
        assertThat(th.isAlive()).as("pusher ends once the registry is gone").isFalse();
      }
      String as = "seed " + seed + ", round " + round + ", killed after " + killAfter + " ms";
      assertThat(failures).as(as + ": pushers failed before the kill").isEmpty();
      long t1 = System.nanoTime();

      start(storage, htpasswd, round + 1);
      assertBlobsMatchTheirDigests(storage, as);
      assertEveryTagResolves(as);
      for (Image i : accepted.values()) {
        HttpResponse<byte[]> m = get("/v2/" + i.repo() + "/manifests/" + i.tag());
        assertThat(m.statusCode()).as(as + ": accepted " + i.tag()).isEqualTo(200);
        assertThat(m.body()).as(as + ": accepted " + i.tag()).isEqualTo(i.manifest());
      }
      Fsck.Report f = new Fsck(RepositoryStore.onFiles(storage)).run(false);
      assertThat(f.problems())
          .as(as + ": fsck (layer links of GC'd blobs may dangle)")
          .allMatch(p -> p.kind().equals("layer-link-dangling"));
      int resumed = 0;
      for (Open o : cutUploads.values()) {
        resumed += resume(o, as) ? 1 : 0;
      }
      cutUploads.clear();
      for (Image i : interrupted.values()) {
        pushImage(i); // throws unless 201
        accepted.put(i.tag(), i);
        assertThat(get("/v2/" + i.repo() + "/manifests/" + i.tag()).body())
            .as(as + ": re-pushed " + i.tag())
            .isEqualTo(i.manifest());
        for (byte[] l : i.layers()) {
          assertThat(get("/v2/" + i.repo() + "/blobs/" + RegistryFixture.sha256(l)).body())
              .isEqualTo(l);
        }
      }
      System.out.printf(
          "%s: %d accepted before the kill, %d interrupted and re-pushed, %d uploads resumed;"
              + " restart and checks %d ms%n",
          as,
          accepted.size() - before - interrupted.size(),
          interrupted.size(),
          resumed,
          (System.nanoTime() - t1) / 1_000_000);
    }
    assertThat(accepted).as("seed " + seed).hasSizeGreaterThan(ROUNDS);
  }

  /** Pushes images until the registry goes away; the one in flight then is "interrupted". */
  void push(int id, String prefix, Random r, Map<String, Image> accepted, Map<Integer, Image> cut) {
    String repo = "crash/p" + id;
    byte[] shared = ("shared base layer of " + repo).getBytes(StandardCharsets.UTF_8);
    current.remove();
    for (int n = 0; ; n++) {
      byte[] config = ("{\"image\":\"" + prefix + n + "\"}").getBytes(StandardCharsets.UTF_8);
      byte[] layer = new byte[16 * 1024 + r.nextInt(1024 * 1024)];
      r.nextBytes(layer);
      List<byte[]> layers = List.of(shared, layer);
      Image image =
          new Image(
              repo,
              prefix + n,
              config,
              layers,
              RegistryFixture.imageManifest(
                  RegistryFixture.sha256(config),
                  config.length,
                  RegistryFixture.sha256(shared),
                  Integer.toString(shared.length),
                  RegistryFixture.sha256(layer),
                  Integer.toString(layer.length)));
      try {
        pushImage(image);
        accepted.put(image.tag(), image);
      } catch (IOException e) {
        cut.put(id, image);
        Optional.ofNullable(current.get()).ifPresent(o -> cutUploads.put(id, o));
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * As skopeo does: HEAD each blob and upload what is missing (the config monolithic, layers in
   * chunks), then PUT the manifest; when the GC took a blob meanwhile ({@code
   * MANIFEST_BLOB_UNKNOWN}) push again.
   */
  void pushImage(Image i) throws IOException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      List<byte[]> blobs = new ArrayList<>(i.layers());
      blobs.add(0, i.config());
      for (int b = 0; b < blobs.size(); b++) {
        byte[] bytes = blobs.get(b);
        String d = RegistryFixture.sha256(bytes);
        if (send(request("/v2/" + i.repo() + "/blobs/" + d).method("HEAD", BodyPublishers.noBody()))
                .statusCode()
            == 200) {
          continue;
        }
        if (b == 0) {
          expect(
              send(
                  request("/v2/" + i.repo() + "/blobs/uploads/?digest=" + d)
                      .POST(BodyPublishers.ofByteArray(bytes))),
              201);
        } else {
          chunked(i.repo(), bytes);
        }
      }
      HttpResponse<byte[]> m =
          send(
              request("/v2/" + i.repo() + "/manifests/" + i.tag())
                  .header("Content-Type", MANIFEST)
                  .PUT(BodyPublishers.ofByteArray(i.manifest())));
      if (m.statusCode() == 201) {
        return;
      }
      String body = new String(m.body(), StandardCharsets.UTF_8);
      if (attempt > 5 || !body.contains("MANIFEST_BLOB_UNKNOWN")) {
        throw new AssertionError("manifest PUT " + i.tag() + ": " + m.statusCode() + " " + body);
      }
    }
  }

  void chunked(String repo, byte[] bytes) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        expect(send(request("/v2/" + repo + "/blobs/uploads/").POST(BodyPublishers.noBody())), 202);
    String location = r.headers().firstValue("Location").orElseThrow();
    current.set(new Open(location, bytes));
    appendAndCommit(location, bytes, 0);
    current.remove();
  }

  void appendAndCommit(String location, byte[] bytes, int from)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> r;
    int chunk = 256 * 1024;
    for (int off = from; off < bytes.length; off += chunk) {
      int len = Math.min(chunk, bytes.length - off);
      r =
          expect(
              send(
                  request(location)
                      .header("Content-Type", "application/octet-stream")
                      .header("Content-Range", off + "-" + (off + len - 1))
                      .method("PATCH", BodyPublishers.ofByteArray(bytes, off, len))),
              202);
      location = r.headers().firstValue("Location").orElseThrow();
    }
    String sep = location.contains("?") ? "&" : "?";
    expect(
        send(
            request(location + sep + "digest=" + RegistryFixture.sha256(bytes))
                .PUT(BodyPublishers.noBody())),
        201);
  }

  /**
   * Continues an upload the kill cut, from the {@code Range} the restarted registry reports (a
   * chunk cut midway leaves a prefix: still the client's bytes at their offsets). False when the
   * upload is gone because its commit had completed.
   */
  boolean resume(Open o, String as) throws IOException, InterruptedException {
    URI old = URI.create(o.location());
    String path = old.getRawPath() + (old.getRawQuery() == null ? "" : "?" + old.getRawQuery());
    HttpResponse<byte[]> st = get(path);
    if (st.statusCode() == 404) {
      return false;
    }
    assertThat(st.statusCode()).as(as + ": status of a cut upload").isEqualTo(204);
    String range = st.headers().firstValue("Range").orElse("0--1");
    int have = Integer.parseInt(range.substring(range.indexOf('-') + 1)) + 1;
    assertThat(have).as(as + ": " + range).isBetween(1, o.bytes().length);
    if (have == 1) {
      // "0-0" is both "empty" and "one byte": send byte 0; accepted (202) or already there (416)
      int s =
          send(request(path)
                  .header("Content-Range", "0-0")
                  .method("PATCH", BodyPublishers.ofByteArray(o.bytes(), 0, 1)))
              .statusCode();
      assertThat(s).as(as + ": first byte of a cut upload").isIn(202, 416);
    }
    appendAndCommit(base + path, o.bytes(), have);
    return true;
  }

  static void assertBlobsMatchTheirDigests(Path storage, String as) throws Exception {
    Path root = storage.resolve("blobs/sha256");
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue; // temp files and GC's moved-aside blobs: not served
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
          byte[] buf = new byte[64 * 1024];
          for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
          }
        } catch (java.nio.file.NoSuchFileException gone) {
          continue; // the restarted registry's GC swept it after the walk listed it: not served
        }
        assertThat(HexFormat.of().formatHex(md.digest())).as(as + ": " + p).isEqualTo(name);
      }
    }
  }

  void assertEveryTagResolves(String as) throws Exception {
    JsonNode repos = JSON.readTree(expect(get("/v2/_catalog?n=1000"), 200).body());
    for (JsonNode repo : repos.path("repositories")) {
      String name = repo.asText();
      JsonNode tags = JSON.readTree(expect(get("/v2/" + name + "/tags/list?n=1000"), 200).body());
      for (JsonNode tag : tags.path("tags")) {
        HttpResponse<byte[]> m = get("/v2/" + name + "/manifests/" + tag.asText());
        assertThat(m.statusCode()).as(as + ": " + name + ":" + tag).isEqualTo(200);
        assertThat(m.headers().firstValue("Docker-Content-Digest"))
            .hasValue(RegistryFixture.sha256(m.body()));
        JsonNode doc = JSON.readTree(m.body());
        List<JsonNode> descriptors = new ArrayList<>();
        descriptors.add(doc.path("config"));
        doc.path("layers").forEach(descriptors::add);
        for (JsonNode d : descriptors) {
          HttpResponse<byte[]> b =
              send(
                  request("/v2/" + name + "/blobs/" + d.path("digest").asText())
                      .method("HEAD", BodyPublishers.noBody()));
          assertThat(b.statusCode()).as(as + ": blob of " + name + ":" + tag).isEqualTo(200);
          assertThat(b.headers().firstValueAsLong("Content-Length"))
              .hasValue(d.path("size").asLong());
        }
      }
    }
  }

  void start(Path storage, Path htpasswd, int n) throws Exception {
    // GC grace: longer than a stall between a manifest's bytes and its link
    ForkedRegistry r =
        ForkedRegistry.start(
            storage, htpasswd, "256m", 1000, dir.resolve("registry-" + n + ".log"));
    child = r.process;
    base = r.base;
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .timeout(Duration.ofSeconds(30))
        .header(
            "Authorization", RegistryFixture.basic(RegistryFixture.USER, RegistryFixture.PASSWORD));
  }

  HttpResponse<byte[]> send(HttpRequest.Builder r) throws IOException, InterruptedException {
    return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return send(request(path));
  }

  static HttpResponse<byte[]> expect(HttpResponse<byte[]> r, int status) {
    if (r.statusCode() != status) {
      throw new AssertionError(
          r.request().method()
              + " "
              + r.request().uri()
              + ": "
              + r.statusCode()
              + " "
              + new String(r.body(), StandardCharsets.UTF_8));
    }
    return r;
  }
}
