package org.airgap.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.airgap.registry.RegistryConfig;
import org.airgap.registry.RegistryFixture;
import org.airgap.registry.RegistryServer;
import org.airgap.registry.api.Digest;
import org.airgap.registry.auth.Htpasswd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online GC, fsck, du and the upload purge against a real registry on port 0; the maintenance runs
 * on a second store over the same folder, as the CLI does beside the daemon.
 */
class GarbageCollectorTest {
  @TempDir Path dir;
  RegistryFixture reg;
  RepositoryStore files;

  @BeforeEach
  void start() throws Exception {
    reg = RegistryFixture.plain(dir);
    files = RepositoryStore.onFiles(reg.storage);
  }

  @AfterEach
  void stop() {
    reg.close();
  }

  GarbageCollector.Report gc(boolean dryRun, boolean deleteUntagged) throws Exception {
    return new GarbageCollector(files)
        .run(new GarbageCollector.Options(dryRun, deleteUntagged, Duration.ZERO));
  }

  Path blobFile(String digest) {
    return reg.storage.resolve(StorageLayout.blobKey(Digest.parse(digest)));
  }

  void age(Path p) throws Exception {
    Files.setLastModifiedTime(
        p, FileTime.fromMillis(System.currentTimeMillis() - Duration.ofDays(2).toMillis()));
  }

  int status(String path) throws Exception {
    return reg.send(reg.request(path)).statusCode();
  }

  @Test
  void deleteThenGcThenRepushStoresTheBlobAgain() throws Exception {
    byte[] blob = "layer to delete".getBytes(StandardCharsets.UTF_8);
    String d = reg.pushBlob("a", blob);
    String kept = reg.pushImage("a", "v1", "kept");
    assertThat(reg.send(reg.request("/v2/a/blobs/" + d).DELETE()).statusCode()).isEqualTo(202);
    Thread.sleep(5);
    GarbageCollector.Report dry = gc(true, false);
    assertThat(dry.deletedBlobs()).containsExactly(d);
    assertThat(Files.exists(blobFile(d))).isTrue(); // dry run deletes nothing
    GarbageCollector.Report r = gc(false, false);
    assertThat(r.deletedBlobs()).containsExactly(d);
    assertThat(r.bytesFreed()).isEqualTo(blob.length);
    assertThat(Files.exists(blobFile(d))).isFalse();
    assertThat(status("/v2/a/blobs/" + d)).isEqualTo(404);
    assertThat(status("/v2/a/manifests/v1")).isEqualTo(200);
    assertThat(status("/v2/a/manifests/" + kept)).isEqualTo(200);
    // re-push: the registry must not believe it still has it
    assertThat(
            reg.send(reg.request("/v2/a/blobs/" + d).method("HEAD", BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(404);
    reg.pushBlob("a", blob);
    assertThat(reg.send(reg.request("/v2/a/blobs/" + d)).body()).isEqualTo(blob);
    assertThat(new Fsck(files).run(false).problems()).isEmpty();
  }

  @Test
  void untaggedManifestsStayByDefaultAndGoWithDeleteUntagged() throws Exception {
    String old = reg.pushImage("a", "v1", "old");
    String current = reg.pushImage("a", "v1", "new"); // v1 moves: old is untagged now
    assertThat(gc(false, false).deletedBlobs()).isEmpty(); // nodes pull by digest
    assertThat(status("/v2/a/manifests/" + old)).isEqualTo(200);
    age(
        reg.storage.resolve(
            StorageLayout.manifest(new org.airgap.registry.api.RepoName("a"), Digest.parse(old))));
    Thread.sleep(5);
    GarbageCollector.Report r = gc(false, true);
    assertThat(r.untaggedManifests()).containsExactly("a@" + old);
    assertThat(r.deletedBlobs()).hasSize(3).contains(old); // manifest, config, layer of "old"
    assertThat(status("/v2/a/manifests/" + old)).isEqualTo(404);
    assertThat(status("/v2/a/manifests/" + current)).isEqualTo(200);
    assertThat(new Fsck(files).run(false).problems())
        .allSatisfy(p -> assertThat(p.kind()).isEqualTo("layer-link-dangling"));
  }

  @Test
  void untaggedButRecentManifestIsKeptWithDeleteUntagged() throws Exception {
    reg.pushImage("a", "v1", "one");
    String child = reg.pushImage("a", "sha256-placeholder", "child");
    reg.send(reg.request("/v2/a/manifests/sha256-placeholder").DELETE());
    // by digest, just pushed, untagged: maybe the child of an index being pushed
    GarbageCollector.Report r =
        new GarbageCollector(files)
            .run(new GarbageCollector.Options(false, true, Duration.ofHours(1)));
    assertThat(r.untaggedManifests()).isEmpty();
    assertThat(status("/v2/a/manifests/" + child)).isEqualTo(200);
  }

  @Test
  void gcRacingUploadsAndManifestPushesNeverLosesAcceptedContent() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    java.util.Map<String, String> accepted = new java.util.concurrent.ConcurrentHashMap<>();
    try {
      List<Future<?>> pushers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int id = t;
        pushers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25 && !stop.get(); i++) {
                    String seed = id + "-" + (i % 5); // repeats: re-push of GC'd blobs
                    byte[] config = ("{\"seed\":\"" + seed + "\"}").getBytes();
                    byte[] layer = ("layer-" + seed).getBytes();
                    // as skopeo does: HEAD first, upload only what is missing; so a manifest
                    // often refers to an old blob no manifest held any more (deleted below)
                    String c = ensure("r" + id, config);
                    String l = ensure("r" + id, layer);
                    byte[] m =
                        RegistryFixture.imageManifest(
                            c, config.length, l, Integer.toString(layer.length));
                    HttpResponse<byte[]> r =
                        reg.putManifest(
                            "r" + id, "t" + i, "application/vnd.oci.image.manifest.v1+json", m);
                    if (r.statusCode() == 201) {
                      String digest = RegistryFixture.sha256(m);
                      accepted.put("r" + id + ":t" + i, digest);
                      if (i % 3 == 2) {
                        // delete this manifest by digest: its blobs become garbage, and a later
                        // iteration with the same seed refers to them again without uploading
                        reg.send(reg.request("/v2/r" + id + "/manifests/" + digest).DELETE());
                        accepted.values().removeIf(digest::equals);
                      }
                    } else {
                      // the GC took a blob before the manifest came: the client pushes again
                      assertThat(new String(r.body())).contains("MANIFEST_BLOB_UNKNOWN");
                    }
                  }
                  return null;
                }));
      }
      int runs = 0;
      while (!pushers.stream().allMatch(Future::isDone)) {
        new GarbageCollector(files)
            .run(new GarbageCollector.Options(false, false, Duration.ofMillis(100)));
        runs++;
      }
      for (Future<?> f : pushers) {
        f.get();
      }
      assertThat(runs).isPositive();
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(accepted).isNotEmpty();
    gc(false, false);
    for (String ref : accepted.keySet()) {
      String[] p = ref.split(":");
      HttpResponse<byte[]> m = reg.send(reg.request("/v2/" + p[0] + "/manifests/" + p[1]));
      assertThat(m.statusCode()).as(ref).isEqualTo(200);
    }
    Fsck.Report f = new Fsck(files).run(false);
    assertThat(f.problems())
        .as("no manifest lost a blob")
        .noneMatch(x -> x.kind().startsWith("manifest") || x.kind().equals("tag-dangling"));
  }

  @Test
  void uploadInProgressSurvivesGcAndPurgeTakesOnlyAbandonedUploads() throws Exception {
    byte[] blob = new byte[100_000];
    new java.util.Random(3).nextBytes(blob);
    String active =
        location(reg.send(reg.request("/v2/a/blobs/uploads/").POST(BodyPublishers.noBody())));
    String abandoned =
        location(reg.send(reg.request("/v2/a/blobs/uploads/").POST(BodyPublishers.noBody())));
    reg.send(
        reg.request(active)
            .method("PATCH", BodyPublishers.ofByteArray(java.util.Arrays.copyOf(blob, 50_000))));
    reg.send(reg.request(abandoned).method("PATCH", BodyPublishers.ofByteArray(new byte[10])));
    Path abandonedDir =
        reg.storage.resolve("uploads").resolve(abandoned.substring(abandoned.lastIndexOf('/') + 1));
    age(abandonedDir.resolve("data"));
    age(abandonedDir);
    gc(false, true);
    List<String> purged = files.blobs().purgeUploads(Duration.ofHours(1).toMillis());
    assertThat(purged).containsExactly(abandonedDir.getFileName().toString());
    assertThat(reg.send(reg.request(abandoned)).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> done =
        reg.send(
            reg.request(active + "?digest=" + RegistryFixture.sha256(blob))
                .PUT(
                    BodyPublishers.ofByteArray(
                        java.util.Arrays.copyOfRange(blob, 50_000, 100_000))));
    assertThat(done.statusCode()).isEqualTo(201);
    assertThat(reg.send(reg.request("/v2/a/blobs/" + RegistryFixture.sha256(blob))).body())
        .isEqualTo(blob);
  }

  String ensure(String repo, byte[] blob) throws Exception {
    String d = RegistryFixture.sha256(blob);
    int head =
        reg.send(reg.request("/v2/" + repo + "/blobs/" + d).method("HEAD", BodyPublishers.noBody()))
            .statusCode();
    return head == 200 ? d : reg.pushBlob(repo, blob);
  }

  static String location(HttpResponse<byte[]> r) {
    return r.headers().firstValue("Location").orElseThrow();
  }

  @Test
  void fsckFindsACorruptedBlobAndRepairQuarantinesIt() throws Exception {
    reg.pushImage("a", "v1", "fsck");
    byte[] layer = "layer-fsck".getBytes();
    String d = RegistryFixture.sha256(layer);
    Files.write(blobFile(d), "layer-fsxk".getBytes()); // one byte flipped on disk
    Fsck.Report r = new Fsck(files).run(false);
    assertThat(r.blobsChecked()).isEqualTo(3);
    assertThat(r.problems()).extracting(Fsck.Problem::kind).containsExactly("blob-corrupt");
    assertThat(r.problems().get(0).subject()).isEqualTo(d);
    assertThat(Files.exists(blobFile(d))).isTrue(); // no --repair: only reported
    Fsck.Report fixed = new Fsck(files).run(true);
    assertThat(fixed.problems().get(0).repaired())
        .hasValueSatisfying(s -> assertThat(s).contains("quarantine/"));
    assertThat(Files.exists(blobFile(d))).isFalse();
    assertThat(status("/v2/a/blobs/" + d)).isEqualTo(404); // never served wrong
    Fsck.Report after = new Fsck(files).run(false);
    assertThat(after.problems())
        .extracting(Fsck.Problem::kind)
        .containsExactly("manifest-blob-missing"); // repair dropped the layer link too
    reg.pushBlob("a", layer); // re-push heals
    assertThat(new Fsck(files).run(true).problems()).isEmpty();
  }

  @Test
  void duReportsPerRepositoryAndWhatGcWouldFree() throws Exception {
    reg.pushImage("a", "v1", "shared");
    reg.pushImage("b", "v1", "shared"); // same config and layer, same manifest bytes
    byte[] loose = new byte[1000];
    String l = reg.pushBlob("b", loose);
    reg.send(reg.request("/v2/b/blobs/" + l).DELETE());
    Thread.sleep(5);
    DiskUsage.Report du = new DiskUsage(files).run(Duration.ZERO, false);
    assertThat(du.repositories()).extracting(DiskUsage.Repo::name).containsExactly("a", "b");
    DiskUsage.Repo a = du.repositories().get(0);
    assertThat(a.blobs()).isEqualTo(3);
    assertThat(a.exclusiveBytes()).isZero();
    assertThat(du.storedBlobs()).isEqualTo(4);
    assertThat(du.gcWouldFree()).isEqualTo(1000);
    assertThat(Files.exists(blobFile(l))).isTrue();
  }

  @Test
  void scheduledGcRunsByItselfWhileServing() throws Exception {
    String kept = reg.pushImage("a", "v1", "kept");
    Path storage = dir.resolve("scheduled");
    try (RegistryServer scheduled =
        new RegistryServer(
            new RegistryConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Optional.empty(),
                storage,
                true,
                new RegistryConfig.Upkeep(
                    Duration.ofHours(24),
                    Duration.ZERO,
                    Optional.of(Duration.ofMillis(300)),
                    true)),
            new Htpasswd(reg.htpasswd))) {
      scheduled.start();
      // the same content in the scheduled registry's storage: a tagged image and a loose blob
      copyTree(reg.storage, storage);
      byte[] loose = "nobody refers to me".getBytes(StandardCharsets.UTF_8);
      String d = RegistryFixture.sha256(loose);
      Path f = storage.resolve(StorageLayout.blobKey(Digest.parse(d)));
      Files.createDirectories(f.getParent());
      Files.write(f, loose);
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (Files.exists(f) && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      assertThat(f).as("the loose blob, swept without anyone running gc").doesNotExist();
      assertThat(new Fsck(RepositoryStore.onFiles(storage)).run(false).problems()).isEmpty();
      HttpResponse<Void> m =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + scheduled.addresses().get(0).getPort()
                                  + "/v2/a/manifests/"
                                  + kept))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(m.statusCode()).as("the tagged image stays").isEqualTo(200);
    }
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
