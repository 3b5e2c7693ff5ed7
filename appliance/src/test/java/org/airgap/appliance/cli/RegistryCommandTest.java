package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.airgap.registry.RegistryConfig;
import org.airgap.registry.RegistryServer;
import org.airgap.registry.auth.Htpasswd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airgap registry pull-secret}: its output is a working skopeo --authfile. */
class RegistryCommandTest {
  @TempDir Path dir;

  /** One CLI run (the shared harness of {@link CliTest}). */
  static CliTest.Run run(String stdin, String... args) {
    return CliTest.run(stdin, args);
  }

  static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void pullSecretIsAWorkingSkopeoAuthfile() throws Exception {
    Path data = Files.createDirectories(dir.resolve("var"));
    Htpasswd.put(data.resolve("htpasswd"), "puller", "pull-pw");
    try (RegistryServer reg =
        new RegistryServer(
            new RegistryConfig(
                List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)),
                Optional.empty(),
                data.resolve("registry"),
                false),
            new Htpasswd(data.resolve("htpasswd")))) {
      reg.start();
      String hostPort = "127.0.0.1:" + reg.addresses().get(0).getPort();
      Path config =
          Files.writeString(
              dir.resolve("airgap.yaml"),
              "data-dir: "
                  + data
                  + "\nregistry:\n  listen: [\"127.0.0.1:0\"]\n  tls: false\n  advertise: \""
                  + hostPort
                  + "\"\n");

      CliTest.Run r =
          run(
              "pull-pw\n",
              "registry",
              "pull-secret",
              "puller",
              "--password-stdin",
              "--config",
              config.toString());
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode auths = new ObjectMapper().readTree(r.out()).path("auths");
      assertThat(auths.path(hostPort).path("auth").asText())
          .isEqualTo(
              Base64.getEncoder()
                  .encodeToString("puller:pull-pw".getBytes(StandardCharsets.UTF_8)));
      Path authfile = Files.writeString(dir.resolve("auth.json"), r.out());

      // an image to pull, pushed with the JDK client
      HttpClient http = HttpClient.newHttpClient();
      String auth =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString("puller:pull-pw".getBytes(StandardCharsets.UTF_8));
      byte[] config0 =
          "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
              .getBytes(StandardCharsets.UTF_8);
      for (byte[] blob : List.of(config0)) {
        HttpResponse<String> p =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://" + hostPort + "/v2/app/blobs/uploads/?digest=" + sha256(blob)))
                    .header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(blob))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(p.statusCode()).isEqualTo(201);
      }
      byte[] manifest =
          ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                  + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                  + sha256(config0)
                  + "\",\"size\":"
                  + config0.length
                  + "},\"layers\":[]}")
              .getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + hostPort + "/v2/app/manifests/v1"))
                  .header("Authorization", auth)
                  .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);

      Path out = dir.resolve("pulled");
      ProcessBuilder pb =
          new ProcessBuilder(
                  "skopeo",
                  "--insecure-policy",
                  "copy",
                  "--src-tls-verify=false",
                  "--authfile",
                  authfile.toString(),
                  "docker://" + hostPort + "/app:v1",
                  "oci:" + out + ":v1")
              .redirectErrorStream(true);
      pb.environment().put("HOME", dir.toString());
      Process p = pb.start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(log).isZero();
      assertThat(out.resolve("blobs/sha256/" + sha256(manifest).substring(7)))
          .hasBinaryContent(manifest);

      CliTest.Run wrong =
          run(
              "nope\n",
              "registry",
              "pull-secret",
              "puller",
              "--password-stdin",
              "--config",
              config.toString());
      assertThat(wrong.code()).isEqualTo(1);
      assertThat(wrong.out()).isEmpty();
      assertThat(wrong.err()).contains("airgap user add puller");
    }
  }

  @Test
  void hostPortComesFromSiteHostnameAndTheListenPort() throws Exception {
    Path data = Files.createDirectories(dir.resolve("var"));
    Htpasswd.put(data.resolve("htpasswd"), "u", "p");
    Path config =
        Files.writeString(
            dir.resolve("airgap.yaml"),
            "data-dir: "
                + data
                + "\nsite:\n  hostnames: [bastion.site.example]\nregistry:\n  listen: [\"[::]:5000\"]\n");
    CliTest.Run r =
        run(
            "p\n",
            "registry",
            "pull-secret",
            "u",
            "--password-stdin",
            "--config",
            config.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(new ObjectMapper().readTree(r.out()).path("auths").has("bastion.site.example:5000"))
        .isTrue();
  }
}
