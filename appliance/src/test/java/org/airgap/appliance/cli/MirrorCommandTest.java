package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.RegistryConfig;
import org.airgap.registry.RegistryServer;
import org.airgap.registry.auth.Htpasswd;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code airgap mirror} end to end on two real registries: registry to disk and disk to registry
 * with exit 0 and the state files; a missing image exits 1; bad usage exits 2.
 */
class MirrorCommandTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  static final String AUTH =
      "Basic " + Base64.getEncoder().encodeToString("u:pw".getBytes(StandardCharsets.UTF_8));

  record Run(int code, String out, String err) {}

  RegistryServer registry(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Files.writeString(
        d.resolve("htpasswd"),
        "u:" + OpenBSDBCrypt.generate("2y", "pw".toCharArray(), salt, 4) + "\n");
    RegistryServer s =
        new RegistryServer(
            new RegistryConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Optional.empty(),
                d.resolve("data"),
                false),
            new Htpasswd(d.resolve("htpasswd")));
    s.start();
    return s;
  }

  static String hostPort(RegistryServer s) {
    return "127.0.0.1:" + s.addresses().get(0).getPort();
  }

  String push(RegistryServer s, String repo, String tag, byte[]... blobs) throws Exception {
    String base = "http://" + hostPort(s);
    StringBuilder layers = new StringBuilder();
    String config = null;
    for (int i = 0; i < blobs.length; i++) {
      String d =
          "sha256:"
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blobs[i]));
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(base + "/v2/" + repo + "/blobs/uploads/?digest=" + d))
                  .header("Authorization", AUTH)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(blobs[i]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      String desc =
          "{\"mediaType\":\"%s\",\"digest\":\"" + d + "\",\"size\":" + blobs[i].length + "}";
      if (i == 0) {
        config = desc.formatted("application/vnd.oci.image.config.v1+json");
      } else {
        layers
            .append(i > 1 ? "," : "")
            .append(desc.formatted("application/vnd.oci.image.layer.v1.tar"));
      }
    }
    byte[] m =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + config
                + ",\"layers\":["
                + layers
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/manifests/" + tag))
                .header("Authorization", AUTH)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(m))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new String(m, StandardCharsets.UTF_8);
  }

  String raw(RegistryServer s, String repo, String tag) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + hostPort(s) + "/v2/" + repo + "/manifests/" + tag))
                .header("Authorization", AUTH)
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  Run run(String... args) throws Exception {
    Path cfg = dir.resolve("airgap.yaml");
    Files.writeString(cfg, "data-dir: " + dir.resolve("var") + "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = System.out;
    PrintStream e = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      String[] all = new String[args.length + 2];
      all[0] = "--config";
      all[1] = cfg.toString();
      System.arraycopy(args, 0, all, 2, args.length);
      code = new CommandLine(new MirrorCommand()).execute(all);
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void diskRoundTripExitCodesAndStateFiles() throws Exception {
    RegistryServer src = registry("src");
    RegistryServer dst = registry("dst");
    try {
      String m =
          push(
              src,
              "lab/tool",
              "v1",
              "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8),
              new byte[70_000],
              "layer".getBytes(StandardCharsets.UTF_8));
      Path list = dir.resolve("images.txt");
      Files.writeString(list, "# images\n" + hostPort(src) + "/lab/tool:v1\n");
      Path archive = dir.resolve("archive");
      Run save =
          run(
              "--list",
              list.toString(),
              "--to",
              "file://" + archive,
              "--tls-verify=false",
              "--src-creds",
              "u:pw",
              "--chunk-size",
              "1M");
      assertThat(save.code()).as(save.err()).isZero();
      assertThat(save.out()).contains("registry-to-disk: 1 image(s), 0 failed");
      assertThat(archive.resolve("archive.json")).exists();

      Run load =
          run(
              "--from",
              "file://" + archive,
              "--to",
              hostPort(dst) + "/site",
              "--tls-verify=false",
              "--dest-creds",
              "u:pw");
      assertThat(load.code()).as(load.err()).isZero();
      assertThat(raw(dst, "site/lab/tool", "v1")).isEqualTo(m);
      Path state = dir.resolve("var/state/mirror");
      assertThat(Files.readString(state.resolve("last-run.json")))
          .contains("\"ok\" : true")
          .contains("disk-to-registry");
      assertThat(Files.readString(state.resolve("progress.json")))
          .contains("\"phase\" : \"succeeded\"");

      Run missing =
          run(
              hostPort(src) + "/lab/none:v1",
              "--to",
              hostPort(dst) + "/site",
              "--tls-verify=false",
              "--src-creds",
              "u:pw",
              "--dest-creds",
              "u:pw");
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.err()).contains("FAILED").contains("lab/none:v1").contains("not found");
      assertThat(Files.readString(state.resolve("last-run.json"))).contains("\"ok\" : false");

      Run usage = run("--to", hostPort(dst));
      assertThat(usage.code()).isEqualTo(2);
      assertThat(usage.err()).contains("no images");
    } finally {
      src.close();
      dst.close();
    }
  }

  @Test
  void imageSetConfigurationWritesClusterResourcesThatValidate() throws Exception {
    RegistryServer src = registry("isc-src");
    RegistryServer dst = registry("isc-dst");
    try {
      push(
          src,
          "karmab/kcli",
          "latest",
          "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8),
          "kcli".getBytes(StandardCharsets.UTF_8));
      String pinned =
          push(
              src,
              "openshift4/proxy",
              "v4.10",
              "{\"os\":\"linux\",\"n\":2}".getBytes(StandardCharsets.UTF_8),
              "proxy".getBytes(StandardCharsets.UTF_8));
      String digest =
          "sha256:"
              + HexFormat.of()
                  .formatHex(
                      MessageDigest.getInstance("SHA-256")
                          .digest(pinned.getBytes(StandardCharsets.UTF_8)));
      Path isc = dir.resolve("isc.yaml");
      Files.writeString(
          isc,
          """
          apiVersion: mirror.openshift.io/v2alpha1
          kind: ImageSetConfiguration
          mirror:
            additionalImages:
            - name: %s/karmab/kcli:latest
            - name: %s/openshift4/proxy@%s
          """
              .formatted(hostPort(src), hostPort(src), digest));
      Path ws = dir.resolve("ws");
      Run r =
          run(
              "--config",
              isc.toString(),
              "--to",
              hostPort(dst) + "/site",
              "--workspace",
              "file://" + ws,
              "--tls-verify=false",
              "--src-creds",
              "u:pw",
              "--dest-creds",
              "u:pw");
      assertThat(r.code()).as(r.err()).isZero();
      Path res = ws.resolve("working-dir/cluster-resources");
      assertThat(r.out()).contains("wrote " + res.resolve("idms-oc-mirror.yaml"));
      assertThat(res.resolve("itms-oc-mirror.yaml")).exists();
      assertThat(org.airgap.appliance.cluster.ManifestValidator.validate(res)).isEmpty();

      // fully disconnected: to disk with the configuration, then from disk without it
      Path archive = dir.resolve("isc-archive");
      Run save =
          run(
              "-c",
              isc.toString(),
              "--to",
              "file://" + archive,
              "--tls-verify=false",
              "--src-creds",
              "u:pw");
      assertThat(save.code()).as(save.err()).isZero();
      assertThat(archive.resolve("working-dir/imageset.json")).exists();
      Run load =
          run(
              "--from",
              "file://" + archive,
              "--to",
              hostPort(dst) + "/site",
              "--tls-verify=false",
              "--dest-creds",
              "u:pw");
      assertThat(load.code()).as(load.err()).isZero();
      Path res2 = archive.resolve("working-dir/cluster-resources");
      for (String f : List.of("idms-oc-mirror.yaml", "itms-oc-mirror.yaml", "registries.conf")) {
        assertThat(Files.readString(res2.resolve(f))).isEqualTo(Files.readString(res.resolve(f)));
      }

      Files.writeString(
          isc,
          "apiVersion: mirror.openshift.io/v2alpha1\nkind: ImageSetConfiguration\n"
              + "mirror:\n  additionalImage:\n  - name: quay.io/a/b:1\n");
      Run bad = run("--config", isc.toString(), "--to", "file://" + dir.resolve("a2"));
      assertThat(bad.code()).isEqualTo(2);
      assertThat(bad.err()).contains("isc.yaml: mirror.additionalImage: unknown key");

      Run noWs = run("-c", isc.toString(), "--to", hostPort(dst));
      assertThat(noWs.code()).isEqualTo(2);
    } finally {
      src.close();
      dst.close();
    }
  }
}
