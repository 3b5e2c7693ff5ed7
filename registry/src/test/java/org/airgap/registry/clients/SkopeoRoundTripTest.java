package org.airgap.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.airgap.registry.RegistryFixture;
import org.airgap.registry.TestCa;
import org.airgap.registry.api.Digest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's skopeo copies OCI layouts into the registry over TLS (the test CA in {@code
 * --dest-cert-dir}) with credentials, and back out, digests and bytes identical.
 */
class SkopeoRoundTripTest {
  @TempDir static Path dir;
  static TestCa ca;
  static RegistryFixture reg;
  static Path certs;

  @BeforeAll
  static void start() throws Exception {
    ca = new TestCa();
    reg = RegistryFixture.tls(dir.resolve("reg"), ca.serverContext(), ca.clientContext());
    certs = ca.writeCertDir(dir.resolve("certs"));
  }

  @AfterAll
  static void stop() {
    reg.close();
  }

  static String skopeo(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("skopeo", "--insecure-policy", "--tmpdir", dir.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment()
        .put("HOME", dir.toString()); // no auth.json or registries.conf of the machine's user
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("skopeo %s:\n%s", cmd, out).isZero();
    return out;
  }

  static String creds() {
    return RegistryFixture.USER + ":" + RegistryFixture.PASSWORD;
  }

  static List<String> blobNames(Path layout) throws IOException {
    try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void copiesAnImageWithSeveralLayersInAndOutByteForByte() throws Exception {
    OciLayout src = new OciLayout(dir.resolve("src"));
    byte[] manifest = src.image("amd64", 3, 200_000, 1);
    src.ref("v1", "application/vnd.oci.image.manifest.v1+json", manifest);
    String target = "docker://" + reg.hostPort() + "/openshift/release-images:v1";
    skopeo(
        "copy",
        "--preserve-digests",
        "--dest-cert-dir",
        certs.toString(),
        "--dest-creds",
        creds(),
        "oci:" + src.dir + ":v1",
        target);

    HttpResponse<byte[]> got = reg.send(reg.request("/v2/openshift/release-images/manifests/v1"));
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo(manifest);
    assertThat(got.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.oci.image.manifest.v1+json");

    Path out = dir.resolve("out");
    skopeo(
        "copy",
        "--preserve-digests",
        "--src-cert-dir",
        certs.toString(),
        "--src-creds",
        creds(),
        target,
        "oci:" + out + ":v1");
    assertThat(blobNames(out)).isEqualTo(blobNames(src.dir));
    for (String hex : blobNames(src.dir)) {
      assertThat(out.resolve("blobs/sha256/" + hex))
          .hasSameBinaryContentAs(src.dir.resolve("blobs/sha256/" + hex));
    }
    String inspect =
        skopeo("inspect", "--raw", "--cert-dir", certs.toString(), "--creds", creds(), target);
    assertThat(inspect.getBytes(StandardCharsets.UTF_8)).isEqualTo(manifest);
  }

  @Test
  void copiesAMultiPlatformIndexWithAll() throws Exception {
    OciLayout src = new OciLayout(dir.resolve("multi-src"));
    byte[] amd = src.image("amd64", 2, 50_000, 2);
    byte[] arm = src.image("arm64", 2, 50_000, 3);
    byte[] index = src.index(List.of(amd, arm), List.of("amd64", "arm64"));
    src.ref("multi", "application/vnd.oci.image.index.v1+json", index);
    String target = "docker://" + reg.hostPort() + "/olm/redhat/redhat-operator-index:v4.16";
    skopeo(
        "copy",
        "--all",
        "--preserve-digests",
        "--dest-cert-dir",
        certs.toString(),
        "--dest-creds",
        creds(),
        "oci:" + src.dir + ":multi",
        target);

    HttpResponse<byte[]> got =
        reg.send(reg.request("/v2/olm/redhat/redhat-operator-index/manifests/v4.16"));
    assertThat(got.body()).isEqualTo(index);
    for (byte[] m : List.of(amd, arm)) {
      HttpResponse<byte[]> child =
          reg.send(
              reg.request("/v2/olm/redhat/redhat-operator-index/manifests/" + Digest.sha256(m)));
      assertThat(child.body()).isEqualTo(m);
    }
    Path out = dir.resolve("multi-out");
    skopeo(
        "copy",
        "--all",
        "--preserve-digests",
        "--src-cert-dir",
        certs.toString(),
        "--src-creds",
        creds(),
        target,
        "oci:" + out + ":multi");
    assertThat(blobNames(out)).isEqualTo(blobNames(src.dir));
    for (String hex : blobNames(src.dir)) {
      assertThat(out.resolve("blobs/sha256/" + hex))
          .hasSameBinaryContentAs(src.dir.resolve("blobs/sha256/" + hex));
    }
  }

  @Test
  void wrongCredentialsAndAnUntrustedCaFail() throws Exception {
    OciLayout src = new OciLayout(dir.resolve("fail-src"));
    byte[] m = src.image("amd64", 1, 1000, 4);
    src.ref("x", "application/vnd.oci.image.manifest.v1+json", m);
    String target = "docker://" + reg.hostPort() + "/fail:x";
    Process p =
        new ProcessBuilder(
                "skopeo",
                "--insecure-policy",
                "copy",
                "--dest-cert-dir",
                certs.toString(),
                "--dest-creds",
                "mirror:wrong",
                "oci:" + src.dir + ":x",
                target)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isNotZero();
    assertThat(out).containsIgnoringCase("unauthorized");
    Path empty = Files.createDirectories(dir.resolve("no-ca"));
    p =
        new ProcessBuilder(
                "skopeo",
                "--insecure-policy",
                "copy",
                "--dest-cert-dir",
                empty.toString(),
                "--dest-creds",
                creds(),
                "oci:" + src.dir + ":x",
                target)
            .redirectErrorStream(true)
            .start();
    out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isNotZero();
    assertThat(out).contains("certificate");
  }

  @Test
  void blobsStreamOverTls() throws Exception {
    byte[] big = new byte[6 * 1024 * 1024 + 3];
    new java.util.Random(5).nextBytes(big);
    String d = reg.pushBlob("tls/big", big);
    HttpResponse<byte[]> r = reg.send(reg.request("/v2/tls/big/blobs/" + d));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(big);
    r = reg.send(reg.request("/v2/tls/big/blobs/" + d).header("Range", "bytes=1000000-1000009"));
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(big, 1_000_000, 1_000_010));
  }
}
