package org.airgap.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import org.airgap.registry.RegistryFixture;
import org.airgap.registry.TestCa;
import org.airgap.registry.api.Digest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jib core builds an image from layers and pushes it over TLS, trusting the site CA only, with
 * Basic credentials; the test pulls it back with the JDK client and with Jib itself.
 */
class JibRoundTripTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static RegistryFixture reg;
  static SSLContext previousDefault;

  @BeforeAll
  static void start() throws Exception {
    TestCa ca = new TestCa();
    reg = RegistryFixture.tls(dir.resolve("reg"), ca.serverContext(), ca.clientContext());
    // Jib's Apache transport uses the JVM's default SSLContext: make it trust the test CA only.
    previousDefault = SSLContext.getDefault();
    SSLContext.setDefault(ca.clientContext());
  }

  @AfterAll
  static void stop() {
    SSLContext.setDefault(previousDefault);
    reg.close();
  }

  Containerizer containerizer(Containerizer c) {
    return c.setBaseImageLayersCache(dir.resolve("cache-base"))
        .setApplicationLayersCache(dir.resolve("cache-app"))
        .setAllowInsecureRegistries(false);
  }

  @Test
  void pushesThroughJibAndPullsBack() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(app.resolve("hello.txt"), "hello from jib\n");
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Files.write(lib.resolve("data.bin"), new byte[100_000]);
    String image = reg.hostPort() + "/jib/app:1";
    JibContainer pushed =
        Jib.fromScratch()
            .setFormat(ImageFormat.OCI)
            .addLayer(List.of(lib.resolve("data.bin")), AbsoluteUnixPath.get("/lib"))
            .addLayer(List.of(app.resolve("hello.txt")), AbsoluteUnixPath.get("/app"))
            .setEntrypoint("/app/hello.txt")
            .containerize(
                containerizer(
                    Containerizer.to(
                        RegistryImage.named(ImageReference.parse(image))
                            .addCredential(RegistryFixture.USER, RegistryFixture.PASSWORD))));
    String digest = pushed.getDigest().toString();

    HttpResponse<byte[]> m = reg.send(reg.request("/v2/jib/app/manifests/1"));
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(Digest.sha256(m.body()).toString()).isEqualTo(digest);
    assertThat(m.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.oci.image.manifest.v1+json");
    JsonNode manifest = JSON.readTree(m.body());
    assertThat(manifest.path("layers").size()).isEqualTo(2);
    boolean sawHello = false;
    for (JsonNode layer : manifest.path("layers")) {
      HttpResponse<byte[]> b =
          reg.send(reg.request("/v2/jib/app/blobs/" + layer.path("digest").asText()));
      assertThat(b.statusCode()).isEqualTo(200);
      assertThat(Digest.sha256(b.body()).toString()).isEqualTo(layer.path("digest").asText());
      try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(b.body()))) {
        sawHello |=
            new String(gz.readAllBytes(), StandardCharsets.ISO_8859_1).contains("hello from jib");
      }
    }
    assertThat(sawHello).isTrue();

    // and Jib pulls it back as a base image into a tarball
    Path tar = dir.resolve("pulled.tar");
    JibContainer pulled =
        Jib.from(
                RegistryImage.named(ImageReference.parse(reg.hostPort() + "/jib/app@" + digest))
                    .addCredential(RegistryFixture.USER, RegistryFixture.PASSWORD))
            .setFormat(ImageFormat.OCI)
            .containerize(containerizer(Containerizer.to(TarImage.at(tar).named("pulled:1"))));
    assertThat(tar).exists();
    assertThat(Files.size(tar)).isGreaterThan(1000);
    assertThat(pulled.getImageId()).isNotNull();
  }
}
