package org.airgap.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk (an 8 MiB tmpfs; the tests run as root): 507, nothing half-written, reads go on. */
class DiskFullTest {
  @TempDir Path dir;

  static void sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
  }

  @Test
  void fullDiskFailsTheUploadWith507AndTheRegistryKeepsServing() throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("small"));
    sh("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt.toString());
    try (RegistryFixture reg = RegistryFixture.plain(mnt.resolve("var"))) {
      String image = reg.pushImage("a", "v1", "before");
      byte[] big = ApiTestBase.bytes(12 * 1024 * 1024, 1);
      HttpResponse<byte[]> r =
          reg.send(
              reg.request("/v2/a/blobs/uploads/?digest=" + RegistryFixture.sha256(big))
                  .POST(BodyPublishers.ofByteArray(big)));
      ApiTestBase.assertError(r, 507, "UNAVAILABLE");
      try (var s = Files.list(reg.storage.resolve("uploads"))) {
        assertThat(s).as("the failed upload left nothing").isEmpty();
      }
      // chunked: the failed chunk is rolled back, the upload stays at its last good size
      String loc =
          reg.send(reg.request("/v2/a/blobs/uploads/").POST(BodyPublishers.noBody()))
              .headers()
              .firstValue("Location")
              .orElseThrow();
      assertThat(
              reg.send(reg.request(loc).method("PATCH", BodyPublishers.ofByteArray(new byte[1000])))
                  .statusCode())
          .isEqualTo(202);
      ApiTestBase.assertError(
          reg.send(reg.request(loc).method("PATCH", BodyPublishers.ofByteArray(big))),
          507,
          "UNAVAILABLE");
      HttpResponse<byte[]> st = reg.send(reg.request(loc));
      assertThat(st.headers().firstValue("Range")).hasValue("0-999");
      reg.send(reg.request(loc).DELETE());
      // reads still work, and so does a small push once there is room
      assertThat(reg.send(reg.request("/v2/a/manifests/" + image)).statusCode()).isEqualTo(200);
      assertThat(reg.pushImage("a", "v2", "after")).startsWith("sha256:");
    } finally {
      sh("umount", mnt.toString());
    }
  }
}
