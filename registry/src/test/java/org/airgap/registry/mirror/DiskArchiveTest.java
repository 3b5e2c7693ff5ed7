package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry to disk in 1 MiB chunks (a 2.5 MiB layer is cut into parts across chunks), an
 * incremental second run that writes only the new image, disk to a fresh registry byte for byte,
 * and a damaged or missing chunk named in the error.
 */
class DiskArchiveTest {
  @TempDir static Path dir;
  static RegistryFixture src;
  static TestImages in;
  static TestImages.Pushed big;
  static TestImages.Pushed multi;

  @BeforeAll
  static void start() throws Exception {
    src = RegistryFixture.plain(dir.resolve("src"));
    in = MirrorTestSupport.images(src);
    big = in.push("ocp/big", Optional.of("1.0"), 5, "amd64", 2_500_000, 300_000, 200_000);
    multi = in.pushIndex("ocp/multi", "v2", 50);
  }

  @AfterAll
  static void stop() {
    src.close();
  }

  private static MirrorSummary toDisk(Path archive, String... refs) {
    try (RegistryClient c = new RegistryClient(MirrorTestSupport.options(src));
        Mirror m =
            new Mirror(
                c,
                MirrorTestSupport.mirrorOptions().withArchiveChunkSize(1L << 20),
                MirrorListener.none())) {
      return m.toDisk(Arrays.stream(refs).map(ImageRef::parse).toList(), archive);
    }
  }

  private static MirrorSummary fromDisk(Path archive, RegistryFixture to) {
    try (RegistryClient c = new RegistryClient(MirrorTestSupport.options(to));
        Mirror m = new Mirror(c, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      return m.fromDisk(archive, RegistryTarget.parse(to.hostPort() + "/site"));
    }
  }

  static List<Path> chunks(Path archive) throws Exception {
    try (Stream<Path> s = Files.list(archive)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tar")).sorted().toList();
    }
  }

  @Test
  void chunkedIncrementalRoundTripByteForByte() throws Exception {
    Path archive = dir.resolve("archive");
    MirrorSummary first = toDisk(archive, src.hostPort() + "/ocp/big:1.0");
    assertThat(first.ok()).as(first.images().toString()).isTrue();
    List<Path> after1 = chunks(archive);
    assertThat(after1).hasSizeGreaterThanOrEqualTo(3);
    for (Path c : after1) {
      assertThat(Files.size(c)).isLessThanOrEqualTo(1L << 20);
    }
    ArchiveIndex idx = ArchiveIndex.read(archive);
    assertThat(idx.blobs().get(big.blobs().get(1)).parts()).hasSizeGreaterThanOrEqualTo(3);

    java.util.Map<Path, Object> stamps = new java.util.HashMap<>();
    for (Path c : after1) {
      stamps.put(c, Files.getLastModifiedTime(c));
    }
    MirrorSummary second =
        toDisk(archive, src.hostPort() + "/ocp/big:1.0", src.hostPort() + "/ocp/multi:v2");
    assertThat(second.ok()).isTrue();
    assertThat(second.bytesPresent()).isEqualTo(first.bytesCopied());
    assertThat(second.notes().get(0)).contains("already in the archive");
    List<Path> after2 = chunks(archive);
    assertThat(after2).containsAll(after1).hasSize(after1.size() + 1);
    for (Path c : after1) {
      assertThat(Files.getLastModifiedTime(c)).as("untouched %s", c).isEqualTo(stamps.get(c));
    }
    assertThat(ArchiveIndex.read(archive).images()).hasSize(2);

    try (RegistryFixture site = RegistryFixture.plain(dir.resolve("site"))) {
      MirrorSummary load = fromDisk(archive, site);
      assertThat(load.failures()).as(load.images().toString()).isZero();
      TestImages out = MirrorTestSupport.images(site);
      assertThat(out.raw("site/ocp/big", "1.0")).isEqualTo(big.manifest());
      assertThat(out.raw("site/ocp/multi", "v2")).isEqualTo(multi.manifest());
      for (String b : big.blobs()) {
        assertThat(out.blobBytes("site/ocp/big", b)).isEqualTo(in.blobBytes("ocp/big", b));
      }
      assertThat(MirrorTestSupport.skopeoRaw(dir, site, "site/ocp/multi:v2"))
          .isEqualTo(new String(multi.manifest(), java.nio.charset.StandardCharsets.UTF_8));
      MirrorSummary again = fromDisk(archive, site);
      assertThat(again.ok()).isTrue();
      assertThat(again.bytesCopied()).isZero();
    }
  }

  @Test
  void damagedAndMissingChunksAreNamed() throws Exception {
    Path archive = dir.resolve("bad");
    assertThat(toDisk(archive, src.hostPort() + "/ocp/big:1.0").ok()).isTrue();
    List<Path> cs = chunks(archive);
    Path victim = cs.get(1);
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      f.seek(Files.size(victim) / 2);
      int b = f.read();
      f.seek(Files.size(victim) / 2);
      f.write(b ^ 0xff);
    }
    try (RegistryFixture site = RegistryFixture.plain(dir.resolve("site2"))) {
      MirrorSummary s = fromDisk(archive, site);
      assertThat(s.ok()).isFalse();
      assertThat(s.images().get(0).error().orElseThrow()).contains(victim.getFileName().toString());
      Files.delete(victim);
      MirrorSummary m = fromDisk(archive, site);
      assertThat(m.ok()).isFalse();
      assertThat(m.images().get(0).error().orElseThrow())
          .contains("missing chunk")
          .contains(victim.getFileName().toString());
    }
  }
}
