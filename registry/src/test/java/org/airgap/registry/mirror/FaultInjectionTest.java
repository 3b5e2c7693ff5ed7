package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault-injecting proxies in front of both the source and the target: new connections get 503s, and
 * the source's stream is cut abruptly three times (mid-body: most of it is layer bytes). The mirror
 * retries, resumes chunked uploads, and still finishes with every digest identical.
 */
class FaultInjectionTest {
  @TempDir static Path dir;
  static RegistryFixture src;
  static RegistryFixture dst;
  static TestImages in;
  static TestImages.Pushed app;
  static TestImages.Pushed multi;

  @BeforeAll
  static void start() throws Exception {
    src = RegistryFixture.plain(dir.resolve("src"));
    dst = RegistryFixture.plain(dir.resolve("dst"));
    in = MirrorTestSupport.images(src);
    app = in.push("team/app", Optional.of("v1"), 301, "amd64", 1_300_000, 90_000, 1000);
    multi = in.pushIndex("team/multi", "4.16", 310);
  }

  @AfterAll
  static void stop() {
    src.close();
    dst.close();
  }

  @Test
  void finishesThrough503sAndDroppedConnectionsWithIdenticalDigests() throws Exception {
    // every other new connection gets a 503 (six times); the source's stream is cut three times
    try (FaultProxy from = new FaultProxy(src.hostPort(), 2, 6, 60_000, 500_000, 1_000_000);
        FaultProxy to = new FaultProxy(dst.hostPort(), 2, 6)) {
      ClientOptions o =
          ClientOptions.defaults()
              .withRetries(10, Duration.ofMillis(10), Duration.ofMillis(100))
              .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20))
              .withChunkSize(1 << 20) // the 1.3 MB layer goes in resumable PATCH chunks
              .withCredentials(from.hostPort(), MirrorTestSupport.creds())
              .withCredentials(to.hostPort(), MirrorTestSupport.creds())
              .withInsecure(Set.of(from.hostPort(), to.hostPort()));
      MirrorSummary s;
      try (RegistryClient c = new RegistryClient(o);
          Mirror m = new Mirror(c, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
        s =
            m.toRegistry(
                List.of(
                    ImageRef.parse(from.hostPort() + "/team/app:v1"),
                    ImageRef.parse(from.hostPort() + "/team/multi:4.16")),
                RegistryTarget.parse(to.hostPort() + "/mirror"));
      }
      assertThat(s.failures()).as(s.images().toString()).isZero();
      assertThat(from.unavailable()).as("503s from the source side").isPositive();
      assertThat(from.cuts()).as("source connections cut mid-stream").isEqualTo(3);
      assertThat(to.unavailable()).as("503s from the target side").isPositive();
    }

    assertThat(MirrorTestSupport.skopeoRaw(dir, dst, "mirror/team/app:v1"))
        .isEqualTo(new String(app.manifest(), StandardCharsets.UTF_8));
    assertThat(MirrorTestSupport.skopeoRaw(dir, dst, "mirror/team/multi:4.16"))
        .isEqualTo(new String(multi.manifest(), StandardCharsets.UTF_8));
    TestImages out = MirrorTestSupport.images(dst);
    for (String b : app.blobs()) {
      assertThat(out.blobBytes("mirror/team/app", b)).isEqualTo(in.blobBytes("team/app", b));
    }
    for (String b : multi.blobs()) {
      assertThat(out.blobBytes("mirror/team/multi", b)).isEqualTo(in.blobBytes("team/multi", b));
    }
  }
}
