package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's docker-registry with {@code auth: token} as the source: the mirror follows the Bearer
 * challenge to the test's own JWT issuer (realm, service, repository scopes, Basic credentials at
 * the realm), caches each token, and copies byte for byte into an airgap registry.
 */
class DockerRegistryTokenTest {
  @TempDir static Path dir;
  static TokenIssuer issuer;
  static DockerRegistry src;
  static RegistryFixture dst;
  static TestImages in;
  static TestImages.Pushed app;
  static TestImages.Pushed multi;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Path cert = dir.resolve("src/token-ca.pem");
    issuer = new TokenIssuer(cert, RegistryFixture.USER, RegistryFixture.PASSWORD);
    src = DockerRegistry.start(dir.resolve("src"), issuer.authSection(cert));
    dst = RegistryFixture.plain(dir.resolve("dst"));
    in =
        new TestImages(
            src.base(),
            repo -> {
              try {
                return Optional.of(
                    "Bearer " + issuer.mint(List.of("repository:" + repo + ":pull,push")));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    app = in.push("team/app", Optional.of("v1"), 201, "amd64", 40_000, 70_000, 1000);
    multi = in.pushIndex("team/multi", "4.16", 210);
  }

  @AfterAll
  static void stop() {
    if (dst != null) {
      dst.close();
    }
    if (src != null) {
      src.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  private ClientOptions options(Credentials srcCreds) {
    return MirrorTestSupport.options(dst)
        .withCredentials(src.hostPort(), srcCreds)
        .withInsecure(Set.of(src.hostPort(), dst.hostPort()));
  }

  private MirrorSummary mirror(ClientOptions o, String... refs) {
    try (RegistryClient c = new RegistryClient(o);
        Mirror m = new Mirror(c, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      return m.toRegistry(
          List.of(refs).stream().map(ImageRef::parse).toList(),
          RegistryTarget.parse(dst.hostPort() + "/mirror"));
    }
  }

  @Test
  void followsTheBearerChallengeCachesTokensAndCopiesByteForByte() throws Exception {
    String h = src.hostPort();
    int before = issuer.requests();
    MirrorSummary s =
        mirror(options(MirrorTestSupport.creds()), h + "/team/app:v1", h + "/team/multi:4.16");
    assertThat(s.failures()).as(s.images().toString()).isZero();
    assertThat(s.images()).hasSize(2);

    Map<String, AtomicInteger> byScope = issuer.byScope();
    assertThat(byScope).containsKeys("repository:team/app:pull", "repository:team/multi:pull");
    // cached per scope: 11 blobs and 5 manifests, far fewer tokens (parallel workers may race once)
    assertThat(byScope.values()).allMatch(n -> n.get() <= 3);
    assertThat(issuer.requests() - before).isLessThanOrEqualTo(2 * byScope.size());

    for (String ref : new String[] {"team/app:v1", "team/multi:4.16"}) {
      assertThat(MirrorTestSupport.skopeoRaw(dir, dst, "mirror/" + ref))
          .as(ref)
          .isEqualTo(
              MirrorTestSupport.skopeo(
                  dir,
                  "inspect",
                  "--raw",
                  "--tls-verify=false",
                  "--creds",
                  RegistryFixture.USER + ":" + RegistryFixture.PASSWORD,
                  "docker://" + h + "/" + ref));
    }
    TestImages out = MirrorTestSupport.images(dst);
    for (String b : multi.blobs()) {
      assertThat(out.blobBytes("mirror/team/multi", b)).isEqualTo(in.blobBytes("team/multi", b));
    }
  }

  @Test
  void aTokenServiceThatRefusesTheCredentialsIsOneClearLine() {
    String h = src.hostPort();
    MirrorSummary s = mirror(options(new Credentials("mirror", "wrong")), h + "/team/app:v1");
    assertThat(s.ok()).isFalse();
    assertThat(s.images().get(0).error().orElseThrow())
        .contains(h)
        .contains(issuer.realm())
        .contains("refused")
        .doesNotContain("\n");
  }
}
