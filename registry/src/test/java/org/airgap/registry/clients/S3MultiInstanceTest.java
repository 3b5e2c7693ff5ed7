package org.airgap.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.airgap.registry.RegistryConfig;
import org.airgap.registry.RegistryFixture;
import org.airgap.registry.api.Digest;
import org.airgap.registry.storage.Fsck;
import org.airgap.registry.storage.GarbageCollector;
import org.airgap.registry.storage.s3.S3Proxy;
import org.airgap.registry.storage.s3.S3Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two airgap registries on one S3 bucket (s3proxy), as behind a load balancer: skopeo pushes to one
 * and pulls from the other byte for byte; a chunked upload started on one finishes on the other; a
 * GC looping on one while the other pushes loses nothing an accepted manifest needs.
 */
class S3MultiInstanceTest {
  static final int IMAGES = 6;
  static final Duration GRACE = Duration.ofSeconds(5);
  @TempDir static Path dir;
  static S3Settings bucket;
  static RegistryFixture a;
  static RegistryFixture b;

  @BeforeAll
  static void start() throws Exception {
    bucket = S3Proxy.shared().freshSettings();
    // a grace of 5 s: longer than one manifest PUT here even on a loaded machine (the grace must
    // exceed the longest push), short enough for garbage to go within the test
    RegistryConfig.Upkeep upkeep =
        new RegistryConfig.Upkeep(Duration.ofHours(24), GRACE, Optional.empty(), false);
    a = RegistryFixture.s3(dir.resolve("a"), bucket, upkeep);
    b = RegistryFixture.s3(dir.resolve("b"), bucket, upkeep);
    a.awaitReady(Duration.ofSeconds(30));
    b.awaitReady(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
  }

  @Test
  void skopeoPushesToOneAndPullsFromTheOther() throws Exception {
    OciLayout src = new OciLayout(dir.resolve("src"));
    // layers larger than a part: multipart uploads, read back through the other instance
    byte[] manifest = src.image("amd64", 2, 9 << 20, 11);
    src.ref("v1", "application/vnd.oci.image.manifest.v1+json", manifest);
    String creds = RegistryFixture.USER + ":" + RegistryFixture.PASSWORD;
    skopeo(
        "copy",
        "--preserve-digests",
        "--dest-tls-verify=false",
        "--dest-creds",
        creds,
        "oci:" + src.dir + ":v1",
        "docker://" + a.hostPort() + "/openshift/release:v1");
    Path out = dir.resolve("out");
    skopeo(
        "copy",
        "--preserve-digests",
        "--src-tls-verify=false",
        "--src-creds",
        creds,
        "docker://" + b.hostPort() + "/openshift/release:v1",
        "oci:" + out + ":v1");
    assertThat(SkopeoRoundTripTest.blobNames(out))
        .isEqualTo(SkopeoRoundTripTest.blobNames(src.dir));
    for (String hex : SkopeoRoundTripTest.blobNames(src.dir)) {
      assertThat(out.resolve("blobs/sha256/" + hex))
          .hasSameBinaryContentAs(src.dir.resolve("blobs/sha256/" + hex));
    }
    // a Range read through the other instance too
    String layer = SkopeoRoundTripTest.blobNames(src.dir).get(0);
    HttpResponse<byte[]> part =
        b.send(
            b.request("/v2/openshift/release/blobs/sha256:" + layer)
                .header("Range", "bytes=100-199"));
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body())
        .isEqualTo(
            Arrays.copyOfRange(
                Files.readAllBytes(src.dir.resolve("blobs/sha256/" + layer)), 100, 200));
  }

  static void skopeo(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("skopeo", "--insecure-policy", "--tmpdir", dir.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("HOME", dir.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("skopeo %s:\n%s", cmd, out).isZero();
  }

  @Test
  void aChunkedUploadStartedOnOneFinishesOnTheOther() throws Exception {
    byte[] all = new byte[(8 << 20) + (3 << 20)];
    new Random(5).nextBytes(all);
    String d = RegistryFixture.sha256(all);
    HttpResponse<byte[]> post =
        a.send(a.request("/v2/chunked/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(post.statusCode()).isEqualTo(202);
    String path = URI.create(a.base).resolve(post.headers().firstValue("Location").get()).getPath();
    int cut = 5 << 20;
    HttpResponse<byte[]> first =
        a.send(
            a.request(path)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "0-" + (cut - 1))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(all, cut))));
    assertThat(first.statusCode()).isEqualTo(202);
    // the load balancer sends the rest to the other instance, which knows the upload
    HttpResponse<byte[]> status = b.send(b.request(path));
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-" + (cut - 1));
    long rereadBefore = b.server.counters().get("s3_uploads_reread");
    HttpResponse<byte[]> second =
        b.send(
            b.request(path + "?digest=" + d)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", cut + "-" + (all.length - 1))
                .PUT(
                    HttpRequest.BodyPublishers.ofByteArray(
                        Arrays.copyOfRange(all, cut, all.length))));
    assertThat(second.statusCode()).as(new String(second.body())).isEqualTo(201);
    assertThat(b.server.counters().get("s3_uploads_reread")).isEqualTo(rereadBefore + 1);
    HttpResponse<byte[]> got = a.send(a.request("/v2/chunked/blobs/" + d));
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo(all);
  }

  @Test
  void gcOnOneWhilePushingToTheOtherLosesNothing() throws Exception {
    Map<String, String> accepted = new ConcurrentHashMap<>(); // repo:tag -> manifest digest
    AtomicBoolean pushing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int[] gcRuns = {0};
    int[] retries = {0};
    long[] freed = {0};
    try {
      Future<?> gc =
          pool.submit(
              () -> {
                while (pushing.get()) {
                  GarbageCollector.Report r = a.server.gc(false, false);
                  gcRuns[0]++;
                  freed[0] += r.deletedBlobs().size();
                  Thread.sleep(100);
                }
                return null;
              });
      Future<?> pusher =
          pool.submit(
              () -> {
                byte[] shared = "a layer every image has".getBytes();
                for (int i = 0; i < IMAGES; i++) {
                  String tag = "v" + i;
                  for (int attempt = 0; ; attempt++) {
                    // a garbage blob for the GC to take, and a blob pushed before its manifest
                    b.pushBlob("gc/race", ("garbage-" + i + "-" + attempt).getBytes());
                    String c = b.pushBlob("gc/race", ("{\"config\":" + i + "}").getBytes());
                    String l = b.pushBlob("gc/race", ("layer-" + i).getBytes());
                    // the shared layer: HEAD, and pushed only when missing, as clients do
                    String s = RegistryFixture.sha256(shared);
                    if (b.send(
                                b.request("/v2/gc/race/blobs/" + s)
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody()))
                            .statusCode()
                        != 200) {
                      b.pushBlob("gc/race", shared);
                    }
                    byte[] m =
                        RegistryFixture.imageManifest(
                            c,
                            ("{\"config\":" + i + "}").length(),
                            l,
                            Integer.toString(("layer-" + i).length()),
                            s,
                            Integer.toString(shared.length));
                    HttpResponse<byte[]> r =
                        b.putManifest(
                            "gc/race", tag, "application/vnd.oci.image.manifest.v1+json", m);
                    if (r.statusCode() == 201) {
                      accepted.put(tag, RegistryFixture.sha256(m));
                      break;
                    }
                    // the GC took a blob between its push and the manifest: push again, as
                    // clients do on MANIFEST_BLOB_UNKNOWN
                    assertThat(new String(r.body())).contains("MANIFEST_BLOB_UNKNOWN");
                    retries[0]++;
                    assertThat(attempt).isLessThan(10);
                  }
                }
                return null;
              });
      pusher.get(240, TimeUnit.SECONDS);
      pushing.set(false);
      gc.get(120, TimeUnit.SECONDS);
    } finally {
      pushing.set(false);
      pool.shutdownNow();
    }
    assertThat(gcRuns[0]).isPositive();
    assertThat(accepted).hasSize(IMAGES);
    // past the grace period a final GC takes the garbage; every accepted image pulls whole
    Thread.sleep(GRACE.toMillis() + 1500);
    freed[0] += a.server.gc(false, false).deletedBlobs().size();
    System.out.printf(
        "gc race: %d gc runs, %d blobs collected, %d manifest PUTs pushed again%n",
        gcRuns[0], freed[0], retries[0]);
    for (Map.Entry<String, String> e : accepted.entrySet()) {
      for (RegistryFixture r : List.of(a, b)) {
        HttpResponse<byte[]> m = r.send(r.request("/v2/gc/race/manifests/" + e.getKey()));
        assertThat(m.statusCode()).as("%s %s: %s", r.base, e, new String(m.body())).isEqualTo(200);
        assertThat(RegistryFixture.sha256(m.body())).isEqualTo(e.getValue());
        for (String blob : blobsOf(m.body())) {
          assertThat(r.send(r.request("/v2/gc/race/blobs/" + blob)).statusCode())
              .as("blob %s of %s", blob, e.getKey())
              .isEqualTo(200);
        }
      }
    }
    Fsck.Report f = new Fsck(a.server.store().orElseThrow()).run(false);
    assertThat(f.problems()).allSatisfy(p -> assertThat(p.kind()).isEqualTo("layer-link-dangling"));
    assertThat(freed[0]).as("the GC collected the garbage blobs").isPositive();
  }

  static List<String> blobsOf(byte[] manifest) throws Exception {
    var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest);
    List<String> out = new ArrayList<>();
    out.add(n.path("config").path("digest").asText());
    n.path("layers").forEach(l -> out.add(l.path("digest").asText()));
    return out;
  }

  static Digest digest(String s) {
    return Digest.parse(s);
  }
}
