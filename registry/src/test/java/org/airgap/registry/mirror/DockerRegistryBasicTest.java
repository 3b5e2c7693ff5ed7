package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's docker-registry with htpasswd (bcrypt) Basic auth as the source, an airgap registry as
 * the target: what skopeo reads back from both is the same, byte for byte.
 */
class DockerRegistryBasicTest {
  @TempDir static Path dir;
  static DockerRegistry src;
  static RegistryFixture dst;
  static TestImages in;
  static TestImages.Pushed app;
  static TestImages.Pushed multi;
  static TestImages.Pushed sig;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Path htpasswd = RegistryFixture.writeUsers(dir.resolve("src/htpasswd"));
    src =
        DockerRegistry.start(
            dir.resolve("src"), "  htpasswd:\n    realm: airgap-test\n    path: " + htpasswd);
    dst = RegistryFixture.plain(dir.resolve("dst"));
    in =
        new TestImages(
            src.base(),
            repo ->
                Optional.of(RegistryFixture.basic(RegistryFixture.USER, RegistryFixture.PASSWORD)));
    app = in.push("team/app", Optional.of("v1"), 101, "amd64", 40_000, 70_000, 1000);
    multi = in.pushIndex("team/multi", "4.16", 110);
    sig = in.pushSignature("team/app", app.digest(), 130);
  }

  @AfterAll
  static void stop() {
    if (dst != null) {
      dst.close();
    }
    if (src != null) {
      src.close();
    }
  }

  @Test
  void mirrorsFromDockerRegistryWithBasicAuthByteForByte() throws Exception {
    ClientOptions o =
        MirrorTestSupport.options(dst)
            .withCredentials(src.hostPort(), MirrorTestSupport.creds())
            .withInsecure(Set.of(src.hostPort(), dst.hostPort()));
    String h = src.hostPort();
    MirrorSummary s;
    try (RegistryClient c = new RegistryClient(o);
        Mirror m = new Mirror(c, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      s =
          m.toRegistry(
              Arrays.stream(new String[] {h + "/team/app:v1", h + "/team/multi:4.16"})
                  .map(ImageRef::parse)
                  .toList(),
              RegistryTarget.parse(dst.hostPort() + "/mirror"));
    }
    assertThat(s.failures()).as(s.images().toString()).isZero();
    assertThat(s.images()).hasSize(3); // the signature rides along

    for (String ref : new String[] {"team/app:v1", "team/multi:4.16"}) {
      assertThat(MirrorTestSupport.skopeoRaw(dir, dst, "mirror/" + ref))
          .as(ref)
          .isEqualTo(skopeoRaw("docker://" + h + "/" + ref));
    }
    String sigTag = app.digest().replace(':', '-') + ".sig";
    assertThat(MirrorTestSupport.skopeoRaw(dir, dst, "mirror/team/app:" + sigTag))
        .isEqualTo(skopeoRaw("docker://" + h + "/team/app:" + sigTag))
        .isEqualTo(new String(sig.manifest(), java.nio.charset.StandardCharsets.UTF_8));
    TestImages out = MirrorTestSupport.images(dst);
    for (String b : app.blobs()) {
      assertThat(out.blobBytes("mirror/team/app", b)).isEqualTo(in.blobBytes("team/app", b));
    }
  }

  @Test
  void wrongPasswordIsOneClearLine() {
    ClientOptions o =
        MirrorTestSupport.options(dst)
            .withCredentials(src.hostPort(), new Credentials(RegistryFixture.USER, "wrong"))
            .withInsecure(Set.of(src.hostPort(), dst.hostPort()));
    MirrorSummary s;
    try (RegistryClient c = new RegistryClient(o);
        Mirror m = new Mirror(c, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      s =
          m.toRegistry(
              java.util.List.of(ImageRef.parse(src.hostPort() + "/team/app:v1")),
              RegistryTarget.parse(dst.hostPort() + "/x"));
    }
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.images().get(0).error().orElseThrow())
        .contains(src.hostPort())
        .contains("401")
        .contains("refused the credentials")
        .doesNotContain("\n");
  }

  private static String skopeoRaw(String ref) throws Exception {
    return MirrorTestSupport.skopeo(
        dir,
        "inspect",
        "--raw",
        "--tls-verify=false",
        "--creds",
        RegistryFixture.USER + ":" + RegistryFixture.PASSWORD,
        ref);
  }
}
