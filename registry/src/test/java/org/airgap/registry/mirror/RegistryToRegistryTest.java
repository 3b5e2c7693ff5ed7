package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One airgap registry as the source, another as the target: images with several layers, a
 * two-platform index, a digest-only image and a cosign signature tag copy byte for byte (checked
 * with skopeo inspect --raw); a second run moves nothing; unknown images and bad credentials fail
 * with one clear line each.
 */
class RegistryToRegistryTest {
  @TempDir static Path dir;
  static RegistryFixture src;
  static RegistryFixture dst;
  static TestImages in;
  static TestImages out;
  static TestImages.Pushed app;
  static TestImages.Pushed multi;
  static TestImages.Pushed bare;
  static TestImages.Pushed sig;

  @BeforeAll
  static void start() throws Exception {
    src = RegistryFixture.plain(dir.resolve("src"));
    dst = RegistryFixture.plain(dir.resolve("dst"));
    in = MirrorTestSupport.images(src);
    out = MirrorTestSupport.images(dst);
    app = in.push("team/app", Optional.of("v1"), 1, "amd64", 40_000, 70_000, 1000);
    multi = in.pushIndex("team/multi", "4.16", 10);
    bare = in.push("team/bare", Optional.empty(), 20, "amd64", 5000);
    sig = in.pushSignature("team/app", app.digest(), 30);
  }

  @AfterAll
  static void stop() {
    src.close();
    dst.close();
  }

  private static MirrorSummary run(ClientOptions o, MirrorOptions mo, String to, String... refs) {
    try (RegistryClient c = new RegistryClient(o);
        Mirror m = new Mirror(c, mo, MirrorListener.none())) {
      return m.toRegistry(
          java.util.Arrays.stream(refs).map(ImageRef::parse).toList(), RegistryTarget.parse(to));
    }
  }

  @Test
  void copiesImagesIndexesSignaturesByDigestThenMovesNothingTheSecondTime() throws Exception {
    String h = src.hostPort();
    String[] refs = {h + "/team/app:v1", h + "/team/multi:4.16", h + "/team/bare@" + bare.digest()};
    MirrorSummary dry =
        run(
            MirrorTestSupport.options(src, dst),
            MirrorTestSupport.mirrorOptions().withDryRun(true),
            dst.hostPort() + "/mirror",
            refs);
    assertThat(dry.ok()).as(dry.images().toString()).isTrue();
    assertThat(dry.bytesCopied())
        .isEqualTo(
            40_000
                + 70_000
                + 1000
                + 3000
                + 4000
                + 3500
                + 5000
                + 300
                + configBytes(app, multi, bare, sig));
    assertThat(out.raw("mirror/team/app", "v1")).as("dry run writes nothing").isNull();

    MirrorSummary s =
        run(
            MirrorTestSupport.options(src, dst),
            MirrorTestSupport.mirrorOptions(),
            dst.hostPort() + "/mirror",
            refs);
    assertThat(s.failures()).as(s.images().toString()).isZero();
    assertThat(s.images()).hasSize(4); // the signature rides along
    assertThat(s.bytesCopied()).isEqualTo(dry.bytesCopied());

    // byte for byte, as skopeo sees them
    assertThat(MirrorTestSupport.skopeoRaw(dir, dst, "mirror/team/app:v1"))
        .isEqualTo(new String(app.manifest(), StandardCharsets.UTF_8));
    assertThat(MirrorTestSupport.skopeoRaw(dir, dst, "mirror/team/multi:4.16"))
        .isEqualTo(new String(multi.manifest(), StandardCharsets.UTF_8));
    assertThat(out.raw("mirror/team/app", app.digest().replace(':', '-') + ".sig"))
        .isEqualTo(sig.manifest());
    // a digest-only image gets a tag derived from its digest
    assertThat(out.raw("mirror/team/bare", "sha256-" + bare.digest().substring(7)))
        .isEqualTo(bare.manifest());
    for (String b : multi.blobs()) {
      assertThat(out.blobBytes("mirror/team/multi", b)).isEqualTo(in.blobBytes("team/multi", b));
    }

    MirrorSummary again =
        run(
            MirrorTestSupport.options(src, dst),
            MirrorTestSupport.mirrorOptions(),
            dst.hostPort() + "/mirror",
            refs);
    assertThat(again.ok()).isTrue();
    assertThat(again.bytesCopied()).isZero();
    assertThat(again.bytesPresent()).isEqualTo(s.bytesCopied());
  }

  private static long configBytes(TestImages.Pushed... ps) throws Exception {
    // config blobs: the first blob of each image (the index has two images)
    long n = 0;
    for (TestImages.Pushed p : ps) {
      n += in.blobBytes(repoOf(p), p.blobs().get(0)).length;
      if (p == multi) {
        n += in.blobBytes("team/multi", p.blobs().get(3)).length;
      }
    }
    return n;
  }

  private static String repoOf(TestImages.Pushed p) {
    return p == multi ? "team/multi" : p == bare ? "team/bare" : "team/app";
  }

  @Test
  void platformSubsetPlansOnlyThatPlatform() {
    try (RegistryClient c = new RegistryClient(MirrorTestSupport.options(src, dst))) {
      ImagePlan p =
          new Planner(c, java.util.Set.of(Platform.parse("linux/arm64")))
              .resolve(ImageRef.parse(src.hostPort() + "/team/multi:4.16"));
      assertThat(p.manifests()).hasSize(2); // the arm64 image, then the index itself
      assertThat(p.blobs()).hasSize(2); // its config and one layer
      assertThat(p.digest().toString()).isEqualTo(multi.digest());
    }
  }

  @Test
  void unknownImageAndBadCredentialsFailWithOneClearLineEach() {
    String h = src.hostPort();
    MirrorSummary s =
        run(
            MirrorTestSupport.options(src, dst),
            MirrorTestSupport.mirrorOptions(),
            dst.hostPort() + "/x",
            h + "/team/nothing:v9");
    assertThat(s.ok()).isFalse();
    assertThat(s.images().get(0).error().orElseThrow())
        .contains("team/nothing:v9")
        .contains("not found");

    ClientOptions bad =
        MirrorTestSupport.options(src, dst).withCredentials(h, new Credentials("mirror", "wrong"));
    MirrorSummary b =
        run(bad, MirrorTestSupport.mirrorOptions(), dst.hostPort() + "/x", h + "/team/app:v1");
    assertThat(b.ok()).isFalse();
    assertThat(b.images().get(0).error().orElseThrow())
        .contains(h)
        .contains("401")
        .contains("refused the credentials")
        .doesNotContain("\n");

    ClientOptions gone = MirrorTestSupport.options(src, dst);
    MirrorSummary u =
        run(
            gone,
            MirrorTestSupport.mirrorOptions(),
            dst.hostPort() + "/x",
            "127.0.0.1:9/team/app:v1");
    assertThat(u.ok()).isFalse();
    assertThat(u.images().get(0).error().orElseThrow())
        .contains("127.0.0.1:9")
        .contains("cannot connect");
    assertThat(Map.of()).isEmpty();
    assertThat(List.of(s, b, u)).allMatch(x -> x.failures() == 1);
  }
}
