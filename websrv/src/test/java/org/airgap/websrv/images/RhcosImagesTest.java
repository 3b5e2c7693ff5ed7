package org.airgap.websrv.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.airgap.websrv.WebServer;
import org.airgap.websrv.WebServerConfig;
import org.airgap.websrv.download.Checksum;
import org.airgap.websrv.download.DownloadException;
import org.airgap.websrv.download.DownloadListener;
import org.airgap.websrv.download.DownloadOptions;
import org.airgap.websrv.download.Downloader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching from a generated stream JSON served by a local web server, and imports. */
class RhcosImagesTest {
  static final String RELEASE = "414.92.202308281054-0";
  static final String ISO = "rhcos-" + RELEASE + "-live.x86_64.iso";
  static final String ROOTFS = "rhcos-" + RELEASE + "-live-rootfs.x86_64.img";

  @TempDir Path tmp;
  Path mirror;
  Path images;
  WebServer upstream;
  Downloader downloader;
  byte[] iso = bytes(1, 700_000);
  byte[] rootfs = bytes(2, 500_000);

  static byte[] bytes(int seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @BeforeEach
  void setUp() throws Exception {
    mirror = Files.createDirectories(tmp.resolve("mirror/art"));
    images = tmp.resolve("srv/images");
    Files.write(mirror.resolve(ISO), iso);
    Files.write(mirror.resolve(ROOTFS), rootfs);
    upstream =
        new WebServer(
            new WebServerConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                tmp.resolve("mirror"),
                false));
    upstream.start();
    downloader =
        new Downloader(
            DownloadOptions.defaults()
                .withAttempts(2, Duration.ofMillis(10), Duration.ofMillis(10)));
  }

  @AfterEach
  void tearDown() {
    downloader.close();
    upstream.close();
  }

  String base() {
    return "http://127.0.0.1:" + upstream.addresses().get(0).getPort() + "/art/";
  }

  /** A stream document shaped like {@code openshift-install coreos print-stream-json}. */
  static String streamJson(String base, String isoSha, String rootfsSha) {
    return """
        {
          "stream": "rhcos-4.14",
          "metadata": {"last-modified": "2023-09-01T00:00:00Z", "generator": "test"},
          "architectures": {
            "x86_64": {
              "artifacts": {
                "metal": {
                  "release": "%1$s",
                  "formats": {
                    "iso": {"disk": {"location": "%2$s%3$s", "sha256": "%4$s"}},
                    "pxe": {
                      "kernel": {"location": "%2$skernel", "sha256": "%4$s"},
                      "rootfs": {"location": "%2$s%5$s", "sha256": "%6$s"}
                    },
                    "raw.gz": {"disk": {"location": "%2$sdisk.raw.gz", "sha256": "%4$s"}}
                  }
                },
                "qemu": {"release": "%1$s", "formats": {}}
              }
            },
            "aarch64": {
              "artifacts": {
                "metal": {
                  "release": "%1$s",
                  "formats": {
                    "iso": {"disk": {"location": "%2$sa.aarch64.iso", "sha256": "%4$s"}},
                    "pxe": {"rootfs": {"location": "%2$sa-rootfs.aarch64.img", "sha256": "%6$s"}}
                  }
                }
              }
            }
          }
        }
        """
        .formatted(RELEASE, base, ISO, isoSha, ROOTFS, rootfsSha);
  }

  List<String> imageFiles() throws Exception {
    if (!Files.isDirectory(images)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(images)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void parsesTheStream() throws Exception {
    CoreOsStream s =
        CoreOsStream.parse(
            streamJson("https://m/", sha256(iso), sha256(rootfs)).getBytes(StandardCharsets.UTF_8));
    assertThat(s.stream()).isEqualTo("rhcos-4.14");
    MetalImages m = s.metal("x86_64");
    assertThat(m.release()).isEqualTo(RELEASE);
    assertThat(m.iso().fileName()).isEqualTo(ISO);
    assertThat(m.rootfs().fileName()).isEqualTo(ROOTFS);
    assertThat(m.openshiftVersion()).contains("4.14");
    assertThat(MetalImages.cpuArchitecture(s.metal("aarch64").architecture())).isEqualTo("arm64");
    assertThatThrownBy(() -> s.metal("s390x"))
        .hasMessageContaining("x86_64, aarch64")
        .hasMessageContaining("s390x");
    assertThatThrownBy(
            () ->
                CoreOsStream.parse(
                    "{\"architectures\":{\"x86_64\":{\"artifacts\":{\"metal\":{\"release\":\"1\",\"formats\":{}}}}}}"
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining(
            "architectures.x86_64.artifacts.metal.formats.iso.disk.location missing");
    assertThatThrownBy(() -> CoreOsStream.parse("[1]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a CoreOS stream");
    assertThat(new MetalImages("", "x86_64", "415.92.1-0", m.iso(), m.rootfs()).openshiftVersion())
        .contains("4.15");
    assertThat(
            new MetalImages("", "x86_64", "9.6.20250523-0", m.iso(), m.rootfs()).openshiftVersion())
        .isEmpty();
  }

  @Test
  void fetchesVerifiesRecordsAndSkipsWhatIsThere() throws Exception {
    Path streamFile = tmp.resolve("stream.json");
    Files.writeString(streamFile, streamJson(base(), sha256(iso), sha256(rootfs)));
    ImageCatalog catalog = new ImageCatalog(images);
    RhcosImages rhcos = new RhcosImages(catalog, downloader);
    CoreOsStream stream = rhcos.loadStream(streamFile.toString());
    List<RhcosImages.Fetched> got =
        rhcos.fetch(stream.metal("x86_64"), Optional.empty(), name -> DownloadListener.NONE);
    assertThat(got).extracting(f -> f.entry().file()).containsExactly(ISO, ROOTFS);
    assertThat(got).noneMatch(RhcosImages.Fetched::alreadyThere);
    assertThat(Files.readAllBytes(images.resolve(ISO))).isEqualTo(iso);
    assertThat(Files.readAllBytes(images.resolve(ROOTFS))).isEqualTo(rootfs);
    assertThat(imageFiles()).containsExactlyInAnyOrder(ImageCatalog.FILE, ISO, ROOTFS);
    assertThat(catalog.osImages())
        .containsExactly(new OsImage("x86_64", "4.14", RELEASE, ISO, ROOTFS));

    long requests = upstream.counters().get("requests");
    List<RhcosImages.Fetched> again =
        rhcos.fetch(stream.metal("x86_64"), Optional.empty(), name -> DownloadListener.NONE);
    assertThat(again).allMatch(RhcosImages.Fetched::alreadyThere);
    assertThat(upstream.counters().get("requests")).isEqualTo(requests);
  }

  @Test
  void loadsTheStreamFromAUrl() throws Exception {
    Files.writeString(
        tmp.resolve("mirror/stream.json"), streamJson(base(), sha256(iso), sha256(rootfs)));
    RhcosImages rhcos = new RhcosImages(new ImageCatalog(images), downloader);
    CoreOsStream s =
        rhcos.loadStream(
            "http://127.0.0.1:" + upstream.addresses().get(0).getPort() + "/stream.json");
    assertThat(s.metal("x86_64").release()).isEqualTo(RELEASE);
  }

  @Test
  void aChecksumMismatchLeavesNothingInTheServedFolder() throws Exception {
    Path streamFile = tmp.resolve("stream.json");
    Files.writeString(streamFile, streamJson(base(), sha256(iso), sha256(iso)));
    ImageCatalog catalog = new ImageCatalog(images);
    RhcosImages rhcos = new RhcosImages(catalog, downloader);
    CoreOsStream stream = rhcos.loadStream(streamFile.toString());
    assertThatThrownBy(
            () -> rhcos.fetch(stream.metal("x86_64"), Optional.empty(), n -> DownloadListener.NONE))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.CHECKSUM_MISMATCH));
    assertThat(imageFiles()).doesNotContain(ROOTFS).noneMatch(n -> n.contains("partial"));
    assertThat(catalog.osImages()).isEmpty();
  }

  @Test
  void importsVerifiedFilesWithTheirStreamMetadata() throws Exception {
    Path media = Files.createDirectories(tmp.resolve("usb"));
    Files.write(media.resolve(ISO), iso);
    Files.write(media.resolve(ROOTFS), rootfs);
    CoreOsStream stream =
        CoreOsStream.parse(
            streamJson("https://m/", sha256(iso), sha256(rootfs)).getBytes(StandardCharsets.UTF_8));
    ImageCatalog catalog = new ImageCatalog(images);
    RhcosImages rhcos = new RhcosImages(catalog, downloader);
    CatalogEntry e =
        rhcos.add(media.resolve(ISO), Optional.empty(), Optional.of(stream), Optional.empty());
    assertThat(e.kind()).isEqualTo(ImageKind.ISO);
    assertThat(e.version()).contains(RELEASE);
    rhcos.add(
        media.resolve(ROOTFS),
        Optional.of(Checksum.sha256(sha256(rootfs))),
        Optional.of(stream),
        Optional.empty());
    assertThat(catalog.osImages())
        .containsExactly(new OsImage("x86_64", "4.14", RELEASE, ISO, ROOTFS));
    assertThat(Files.readAllBytes(images.resolve(ISO))).isEqualTo(iso);
  }

  @Test
  void refusesImportsThatDoNotVerify() throws Exception {
    Path media = Files.createDirectories(tmp.resolve("usb"));
    Files.write(media.resolve(ISO), iso);
    Files.write(media.resolve("other.iso"), iso);
    RhcosImages rhcos = new RhcosImages(new ImageCatalog(images), downloader);
    assertThatThrownBy(
            () ->
                rhcos.add(
                    media.resolve(ISO),
                    Optional.of(Checksum.sha256("ab".repeat(32))),
                    Optional.empty(),
                    Optional.empty()))
        .hasMessageContaining("checksum mismatch");
    CoreOsStream wrongSums =
        CoreOsStream.parse(
            streamJson("https://m/", sha256(rootfs), sha256(rootfs))
                .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () ->
                rhcos.add(
                    media.resolve(ISO), Optional.empty(), Optional.of(wrongSums), Optional.empty()))
        .hasMessageContaining("checksum mismatch");
    assertThatThrownBy(
            () ->
                rhcos.add(
                    media.resolve("other.iso"),
                    Optional.empty(),
                    Optional.of(wrongSums),
                    Optional.empty()))
        .hasMessageContaining("neither the live ISO nor the rootfs");
    assertThat(imageFiles()).doesNotContain(ISO, "other.iso").noneMatch(n -> n.contains("partial"));
  }
}
