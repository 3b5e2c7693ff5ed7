package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.RegistryConfig;
import org.airgap.registry.RegistryServer;
import org.airgap.registry.auth.Htpasswd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airgap registry fsck|du|gc} on the storage of a registry that keeps serving. */
class RegistryMaintenanceCommandTest {
  @TempDir Path dir;

  @Test
  void fsckDuAndGcBesideARunningRegistry() throws Exception {
    Path data = Files.createDirectories(dir.resolve("var"));
    Htpasswd.put(data.resolve("htpasswd"), "pusher", "push-pw");
    Path config =
        Files.writeString(
            dir.resolve("airgap.yaml"),
            "data-dir: " + data + "\nregistry:\n  gc:\n    grace: 1h\n");
    try (RegistryServer reg =
        new RegistryServer(
            new RegistryConfig(
                List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)),
                Optional.empty(),
                data.resolve("registry"),
                false),
            new Htpasswd(data.resolve("htpasswd")))) {
      reg.start();
      String base = "http://127.0.0.1:" + reg.addresses().get(0).getPort();
      HttpClient http = HttpClient.newHttpClient();
      byte[] a = "blob a".getBytes(StandardCharsets.UTF_8);
      byte[] b = "blob b".getBytes(StandardCharsets.UTF_8);
      String da = RegistryCommandTest.sha256(a);
      String db = RegistryCommandTest.sha256(b);
      for (byte[] blob : List.of(a, b)) {
        HttpResponse<Void> r =
            http.send(
                auth(base
                        + "/v2/site/app/blobs/uploads/?digest="
                        + RegistryCommandTest.sha256(blob))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(blob))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(201);
      }
      Path fileA =
          data.resolve("registry/blobs/sha256/" + da.substring(7, 9) + "/" + da.substring(7));
      Files.writeString(fileA, "blob A");

      CliTest.Run r = CliTest.run("", "registry", "fsck", "-c", config.toString());
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.out()).contains("blob-corrupt " + da).contains("2 blob(s)");
      r = CliTest.run("", "registry", "fsck", "--repair", "-c", config.toString());
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("[repaired: moved to quarantine/");

      String hb = db.substring(7);
      Files.setLastModifiedTime(
          data.resolve("registry/blobs/sha256/" + hb.substring(0, 2) + "/" + hb),
          java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000L));
      r = CliTest.run("", "registry", "du", "-c", config.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).containsPattern("site/app\\s+1\\s+6 B\\s+6 B");
      assertThat(r.out())
          .as(CliTest.run("", "registry", "gc", "--dry-run", "-c", config.toString()).toString())
          .contains("gc would free 6 B in 1 blob(s)");

      Thread.sleep(5);
      r = CliTest.run("", "registry", "gc", "--dry-run", "-c", config.toString());
      assertThat(r.out()).contains("would delete blob " + db);
      assertThat(
              http.send(
                      auth(base + "/v2/site/app/blobs/" + db).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(200);
      r = CliTest.run("", "registry", "gc", "--delete-untagged", "-c", config.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("deleted blob " + db).contains("deleted 1 blob(s), 6 B");
      assertThat(
              http.send(
                      auth(base + "/v2/site/app/blobs/" + db).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(404);
    }
  }

  static HttpRequest.Builder auth(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .header(
            "Authorization",
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("pusher:push-pw".getBytes(StandardCharsets.UTF_8)));
  }
}
