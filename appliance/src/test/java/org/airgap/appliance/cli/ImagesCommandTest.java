package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.airgap.appliance.TestSites;
import org.airgap.websrv.WebServer;
import org.airgap.websrv.WebServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airgap images fetch|add|list} in-process, against a mirror served on loopback. */
class ImagesCommandTest {
  static final String RELEASE = "415.92.202403270524-0";
  static final String ISO = "rhcos-" + RELEASE + "-live.x86_64.iso";
  static final String ROOTFS = "rhcos-" + RELEASE + "-live-rootfs.x86_64.img";

  @TempDir Path dir;
  Path cfg;
  Path images;
  WebServer mirror;
  byte[] iso = bytes(1, 400_000);
  byte[] rootfs = bytes(2, 300_000);

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
    Path m = Files.createDirectories(dir.resolve("mirror"));
    Files.write(m.resolve(ISO), iso);
    Files.write(m.resolve(ROOTFS), rootfs);
    mirror =
        new WebServer(
            new WebServerConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), m, false));
    mirror.start();
    Files.writeString(m.resolve("stream.json"), stream(sha256(iso), sha256(rootfs)));
    cfg = dir.resolve("airgap.yaml");
    Files.writeString(
        cfg,
        TestSites.yaml(dir.resolve("var"))
            .replace(
                "websrv: { listen: [\"127.0.0.1:0\"] }", "websrv: { listen: [\"[::]:8080\"] }"));
    images = dir.resolve("var/srv/images");
  }

  @AfterEach
  void tearDown() {
    mirror.close();
  }

  String mirrorUrl(String path) {
    return "http://127.0.0.1:" + mirror.addresses().get(0).getPort() + "/" + path;
  }

  String stream(String isoSha, String rootfsSha) {
    return """
        {"stream": "rhcos-4.15",
         "architectures": {"x86_64": {"artifacts": {"metal": {
           "release": "%s",
           "formats": {
             "iso": {"disk": {"location": "%s", "sha256": "%s"}},
             "pxe": {"rootfs": {"location": "%s", "sha256": "%s"}}}}}}}}
        """
        .formatted(RELEASE, mirrorUrl(ISO), isoSha, mirrorUrl(ROOTFS), rootfsSha);
  }

  /** One CLI run, through {@link CliTest}'s harness (no standard input). */
  static CliTest.Run run(String... args) {
    return CliTest.run("", args);
  }

  List<String> imageFiles() throws Exception {
    if (!Files.isDirectory(images)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(images)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  void assertOsImages(String yaml) throws Exception {
    JsonNode os = new YAMLMapper().readTree(yaml).path("osImages");
    assertThat(os.size()).isEqualTo(1);
    JsonNode e = os.get(0);
    assertThat(e.path("cpuArchitecture").asText()).isEqualTo("x86_64");
    assertThat(e.path("openshiftVersion").isTextual()).isTrue();
    assertThat(e.path("openshiftVersion").asText()).isEqualTo("4.15");
    assertThat(e.path("version").asText()).isEqualTo(RELEASE);
    assertThat(e.path("url").asText()).isEqualTo("http://registry.example.com:8080/images/" + ISO);
    assertThat(e.path("rootFSUrl").asText())
        .isEqualTo("http://registry.example.com:8080/images/" + ROOTFS);
    assertThat(yaml).contains("  openshiftVersion: \"4.15\"\n");
  }

  @Test
  void fetchDownloadsVerifiesAndPrintsOsImages() throws Exception {
    CliTest.Run r =
        run("images", "fetch", "--config", cfg.toString(), "--stream", mirrorUrl("stream.json"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(images.resolve(ISO))).isEqualTo(iso);
    assertThat(Files.readAllBytes(images.resolve(ROOTFS))).isEqualTo(rootfs);
    assertThat(r.err()).contains(ISO + ": fetching " + mirrorUrl(ISO)).contains(ISO + ": verified");
    assertOsImages(r.out());

    CliTest.Run list = run("images", "list", "--config", cfg.toString());
    assertThat(list.code()).isZero();
    assertOsImages(list.out());
    assertThat(list.out()).contains("# " + ISO).contains("verified");

    CliTest.Run again =
        run("images", "fetch", "--config", cfg.toString(), "--stream", mirrorUrl("stream.json"));
    assertThat(again.code()).isZero();
    assertThat(again.err()).contains(ISO + ": already there");
  }

  @Test
  void fetchWithAWrongChecksumLeavesNothingServed() throws Exception {
    Path bad = dir.resolve("bad-stream.json");
    Files.writeString(bad, stream(sha256(rootfs), sha256(rootfs)));
    CliTest.Run r = run("images", "fetch", "--config", cfg.toString(), "--stream", bad.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("checksum mismatch");
    assertThat(imageFiles()).doesNotContain(ISO).noneMatch(f -> f.contains("partial"));
    assertThat(run("images", "list", "--config", cfg.toString()).out()).contains("osImages: []");
  }

  @Test
  void addImportsFromMediaWithStreamMetadata() throws Exception {
    Path usb = Files.createDirectories(dir.resolve("usb"));
    Files.write(usb.resolve(ISO), iso);
    Files.write(usb.resolve(ROOTFS), rootfs);
    Path streamFile = dir.resolve("stream.json");
    Files.writeString(streamFile, stream(sha256(iso), sha256(rootfs)));
    CliTest.Run wrong =
        run(
            "images",
            "add",
            "--config",
            cfg.toString(),
            usb.resolve(ISO).toString(),
            "--sha256",
            "00".repeat(32));
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.err()).contains("checksum mismatch");
    assertThat(imageFiles()).doesNotContain(ISO);

    CliTest.Run iso =
        run(
            "images",
            "add",
            "--config",
            cfg.toString(),
            usb.resolve(ISO).toString(),
            "--stream",
            streamFile.toString());
    assertThat(iso.code()).as(iso.err()).isZero();
    assertThat(iso.err()).contains(ISO + ": imported, verified sha256:");
    CliTest.Run root =
        run(
            "images",
            "add",
            "--config",
            cfg.toString(),
            usb.resolve(ROOTFS).toString(),
            "--sha256",
            sha256(rootfs),
            "--stream",
            streamFile.toString());
    assertThat(root.code()).as(root.err()).isZero();
    assertOsImages(root.out());
  }

  @Test
  void badArgumentsGetAClearMessage() throws Exception {
    CliTest.Run arch =
        run(
            "images",
            "fetch",
            "--config",
            cfg.toString(),
            "--stream",
            mirrorUrl("stream.json"),
            "--arch",
            "s390x");
    assertThat(arch.code()).isEqualTo(1);
    assertThat(arch.err()).contains("no metal images for s390x (it has x86_64)");
    CliTest.Run ocp =
        run(
            "images",
            "fetch",
            "--config",
            cfg.toString(),
            "--stream",
            mirrorUrl("stream.json"),
            "--openshift-version",
            "4");
    assertThat(ocp.code()).isEqualTo(1);
    assertThat(ocp.err()).contains("is not X.Y");
    CliTest.Run missing =
        run("images", "add", "--config", cfg.toString(), dir.resolve("nope.iso").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("is not a file");
    CliTest.Run usage = run("images");
    assertThat(usage.code()).isZero();
    assertThat(usage.out()).contains("fetch").contains("add").contains("list");
  }
}
