package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy killed mid-way (the proxy in front of the source closes with every connection once about
 * half the layers went through) fails; a second run through a fresh counting proxy finishes and
 * fetches from the source only what the target does not hold yet.
 */
class InterruptedRunTest {
  static final int LAYER = 300_000;
  static final int LAYERS = 6;
  @TempDir static Path dir;
  static RegistryFixture src;
  static RegistryFixture dst;
  static TestImages in;
  static TestImages.Pushed big;

  @BeforeAll
  static void start() throws Exception {
    src = RegistryFixture.plain(dir.resolve("src"));
    dst = RegistryFixture.plain(dir.resolve("dst"));
    in = MirrorTestSupport.images(src);
    int[] sizes = new int[LAYERS];
    java.util.Arrays.fill(sizes, LAYER);
    big = in.push("team/big", Optional.of("v1"), 401, "amd64", sizes);
  }

  @AfterAll
  static void stop() {
    src.close();
    dst.close();
  }

  private static MirrorSummary run(FaultProxy proxy) {
    ClientOptions o =
        MirrorTestSupport.options(dst)
            .withCredentials(proxy.hostPort(), MirrorTestSupport.creds())
            .withInsecure(Set.of(proxy.hostPort(), dst.hostPort()));
    try (RegistryClient c = new RegistryClient(o);
        Mirror m =
            new Mirror(
                c,
                MirrorOptions.defaults().withParallelism(1, 1), // one blob at a time: a clean cut
                MirrorListener.none())) {
      return m.toRegistry(
          List.of(ImageRef.parse(proxy.hostPort() + "/team/big:v1")),
          RegistryTarget.parse(dst.hostPort() + "/mirror"));
    }
  }

  @Test
  void aSecondRunResumesWithoutFetchingFinishedBlobsAgain() throws Exception {
    long total = (long) LAYER * LAYERS;
    MirrorSummary first;
    try (FaultProxy cut = FaultProxy.passing(src.hostPort())) {
      cut.closeAfterDown(total / 2);
      first = run(cut);
      assertThat(cut.isClosed()).isTrue();
    }
    assertThat(first.ok()).as("the interrupted run fails").isFalse();

    TestImages out = MirrorTestSupport.images(dst);
    List<String> held = new ArrayList<>();
    long heldBytes = 0;
    for (String b : big.blobs()) {
      byte[] bytes = out.blobBytes("mirror/team/big", b);
      if (bytes != null) {
        held.add(b);
        heldBytes += bytes.length;
      }
    }
    assertThat(held).as("some blobs finished before the cut, not all").isNotEmpty();
    assertThat(held.size()).isLessThan(big.blobs().size());
    assertThat(out.raw("mirror/team/big", "v1")).isNull();

    MirrorSummary second;
    long fetched;
    try (FaultProxy counting = FaultProxy.passing(src.hostPort())) {
      second = run(counting);
      fetched = counting.bytesDown();
    }
    assertThat(second.failures()).as(second.images().toString()).isZero();
    assertThat(second.bytesPresent()).isEqualTo(heldBytes);
    assertThat(second.bytesCopied() + second.bytesPresent())
        .isEqualTo(total + in.blobBytes("team/big", big.blobs().get(0)).length);
    // only the missing blobs, plus manifests and headers, came through the source again
    assertThat(fetched).isBetween(second.bytesCopied(), second.bytesCopied() + 32_000);

    assertThat(MirrorTestSupport.skopeoRaw(dir, dst, "mirror/team/big:v1"))
        .isEqualTo(new String(big.manifest(), StandardCharsets.UTF_8));
    for (String b : big.blobs()) {
      assertThat(out.blobBytes("mirror/team/big", b)).isEqualTo(in.blobBytes("team/big", b));
    }
  }
}
