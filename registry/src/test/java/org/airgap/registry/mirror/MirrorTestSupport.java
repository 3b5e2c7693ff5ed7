package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.airgap.registry.RegistryFixture;

/** Shared bits of the mirror tests: clients for fixtures, skopeo. */
final class MirrorTestSupport {
  private MirrorTestSupport() {}

  static TestImages images(RegistryFixture f) {
    return new TestImages(
        f.base,
        repo -> Optional.of(RegistryFixture.basic(RegistryFixture.USER, RegistryFixture.PASSWORD)));
  }

  static Credentials creds() {
    return new Credentials(RegistryFixture.USER, RegistryFixture.PASSWORD);
  }

  /** Plain-HTTP fixtures are "insecure": the client falls back from https to http. */
  static ClientOptions options(RegistryFixture... regs) {
    ClientOptions o =
        ClientOptions.defaults()
            .withRetries(4, Duration.ofMillis(20), Duration.ofMillis(200))
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20));
    List<String> hosts = new ArrayList<>();
    for (RegistryFixture r : regs) {
      hosts.add(r.hostPort());
      o = o.withCredentials(r.hostPort(), creds());
    }
    return o.withInsecure(Set.copyOf(hosts));
  }

  static MirrorOptions mirrorOptions() {
    return MirrorOptions.defaults().withParallelism(2, 3);
  }

  /** Runs skopeo (the machine's auth files and policy left out); returns stdout. */
  static String skopeo(Path tmp, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("skopeo", "--insecure-policy", "--tmpdir", tmp.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("HOME", tmp.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("skopeo %s", cmd).isZero();
    return out;
  }

  /** {@code skopeo inspect --raw} of an image in a plain-HTTP fixture. */
  static String skopeoRaw(Path tmp, RegistryFixture f, String repoAndRef) throws Exception {
    String sep = repoAndRef.contains("sha256:") ? "" : "";
    return skopeo(
        tmp,
        "inspect",
        "--raw",
        "--tls-verify=false",
        "--creds",
        RegistryFixture.USER + ":" + RegistryFixture.PASSWORD,
        "docker://" + f.hostPort() + "/" + sep + repoAndRef);
  }
}
