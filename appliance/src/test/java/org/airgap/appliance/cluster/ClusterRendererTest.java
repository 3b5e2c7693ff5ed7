package org.airgap.appliance.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.registry.api.RepoName;
import org.airgap.websrv.images.CatalogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The site spec renders to golden files for a dual-stack and an IPv4-only site; the rendered set
 * passes {@code airgap cluster validate} (every object against its schema, and the cross-object
 * rules); identities are stable across re-renders.
 */
class ClusterRendererTest {
  /** The hypershift component the fake release names (not itself mirrored in the fixture). */
  static final String HYPERSHIFT =
      "quay.io/openshift-release-dev/ocp-v4.0-art-dev@"
          + org.airgap.registry.api.Digest.sha256("hypershift".getBytes(StandardCharsets.UTF_8));

  static final byte[] RELEASE_LAYER = releaseLayer();
  static final byte[] RELEASE_CONFIG =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"io.openshift.release\":\"4.18.1\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
          .getBytes(StandardCharsets.UTF_8);
  static final byte[] RELEASE_MANIFEST =
      ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
              + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
              + "\"digest\":\""
              + org.airgap.registry.api.Digest.sha256(RELEASE_CONFIG)
              + "\",\"size\":"
              + RELEASE_CONFIG.length
              + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
              + "\"digest\":\""
              + org.airgap.registry.api.Digest.sha256(RELEASE_LAYER)
              + "\",\"size\":"
              + RELEASE_LAYER.length
              + "}]}")
          .getBytes(StandardCharsets.UTF_8);

  /** The fake release payload's manifest digest (deterministic: the layer's gzip has no time). */
  static final String DIGEST = org.airgap.registry.api.Digest.sha256(RELEASE_MANIFEST).toString();

  /** A release payload's manifests layer: image-references names the hypershift component. */
  static byte[] releaseLayer() {
    String refs =
        "{\"kind\":\"ImageStream\",\"apiVersion\":\"image.openshift.io/v1\","
            + "\"metadata\":{\"name\":\"4.18.1\"},\"spec\":{\"tags\":["
            + "{\"name\":\"hypershift\",\"from\":{\"kind\":\"DockerImage\",\"name\":\""
            + HYPERSHIFT
            + "\"}}]}}";
    byte[] body = refs.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes);
        org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
            new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gz)) {
      var e =
          new org.apache.commons.compress.archivers.tar.TarArchiveEntry(
              "release-manifests/image-references");
      e.setSize(body.length);
      e.setModTime(0);
      tar.putArchiveEntry(e);
      tar.write(body);
      tar.closeArchiveEntry();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Stores the fake release in the registry storage under {@code root}, tagged 4.18.1-x86_64. */
  static void storeRelease(Path root) throws Exception {
    var store = org.airgap.registry.storage.RepositoryStore.onFiles(root);
    RepoName repo = RepoName.parse("openshift/release-images");
    for (byte[] b : List.of(RELEASE_CONFIG, RELEASE_LAYER)) {
      var d = org.airgap.registry.api.Digest.sha256(b);
      store.blobs().put(d, b);
      store.linkBlob(repo, d);
    }
    store.putManifest(
        repo,
        org.airgap.registry.api.Reference.parse("4.18.1-x86_64"),
        java.util.Optional.of("application/vnd.oci.image.manifest.v1+json"),
        RELEASE_MANIFEST);
  }

  static final boolean UPDATE = Boolean.getBoolean("airgap.golden.update");

  static String spec(Path dir, String site) {
    String addresses =
        site.equals("dual") ? "[192.168.126.1, \"2620:52:0:1306::1\"]" : "[192.168.126.1]";
    return "data-dir: "
        + dir.resolve("var")
        + "\n"
        + "site:\n"
        + "  domain: dns.base.domain.name\n"
        + "  addresses: "
        + addresses
        + "\n"
        + "  hostnames: [registry.dns.base.domain.name]\n"
        + "cluster:\n"
        + "  pull-secret: "
        + dir.resolve("pull-secret.json")
        + "\n"
        + "  ssh-key: "
        + dir.resolve("id_rsa.pub")
        + "\n"
        + "  release: 4.18.1\n"
        + "  hub: { node-address: 192.168.126.20 }\n"
        + "  storage-class: lvms-vg1\n"
        + "  ntp-sources: [192.168.126.1]\n"
        + "  hosted:\n"
        + "    - name: hosted-"
        + site
        + "\n"
        + "      api: 192.168.126.10\n"
        + "      ingress: 192.168.126.11\n"
        + "      workers:\n"
        + "        count: 3\n"
        + "        vm: { memory-mib: 8192, cpus: 4, disks-gib: [200, 200], network: default-site }\n";
  }

  /** A data dir as a running appliance leaves it: fixed CA, images, the release, kept secrets. */
  static AirgapConfig site(Path dir, String site) throws Exception {
    Path var = dir.resolve("var");
    Files.createDirectories(var.resolve("pki"));
    for (String f : List.of("ca.crt", "ca.key")) {
      try (InputStream in =
          ClusterRendererTest.class.getResourceAsStream("/cluster/site-pki/" + f)) {
        Files.write(var.resolve("pki/" + f), in.readAllBytes());
      }
    }
    Files.createDirectories(var.resolve("cluster"));
    Files.writeString(var.resolve("cluster/airgap-pull.password"), "pull-pass-0123\n");
    Files.writeString(var.resolve("cluster/airgap-bmc.password"), "bmc-pass-4567\n");
    Files.writeString(
        var.resolve("cluster/etcd-hosted-" + site + ".key"),
        "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=\n");
    Files.writeString(
        dir.resolve("pull-secret.json"),
        "{\"auths\":{\"registry.redhat.io\":{\"auth\":\"cmg6c2VjcmV0\"}}}");
    Files.writeString(
        dir.resolve("id_rsa.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestKey ops@bastion\n");
    // what the web server serves
    Path images = var.resolve("srv/images");
    Files.createDirectories(images);
    org.airgap.websrv.images.ImageCatalog catalog =
        new org.airgap.websrv.images.ImageCatalog(images);
    for (String[] f :
        new String[][] {
          {"rhcos-418.94.202501221327-0-live.x86_64.iso", "ISO"},
          {"rhcos-418.94.202501221327-0-live-rootfs.x86_64.img", "ROOTFS"}
        }) {
      Files.writeString(images.resolve(f[0]), "x");
      catalog.put(
          new CatalogEntry(
              f[0],
              org.airgap.websrv.images.ImageKind.valueOf(f[1]),
              java.util.Optional.of("x86_64"),
              java.util.Optional.of("418.94.202501221327-0"),
              java.util.Optional.of("4.18"),
              java.util.Optional.empty(),
              1,
              "test"));
    }
    // the release, mirrored: its payload (image-references) in airgap's registry
    storeRelease(var.resolve("registry"));
    return ConfigLoader.parse(spec(dir, site), "airgap.yaml");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dual", "ipv4"})
  void rendersTheGoldenFilesAndTheyValidate(String site, @TempDir Path dir) throws Exception {
    AirgapConfig cfg = site(dir, site);
    List<ClusterRenderer.Rendered> files = new ClusterRenderer(cfg, SiteFacts.gather(cfg)).render();
    Path out = dir.resolve("out");
    ClusterRenderer.write(out, files);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(out.resolve("30-hosted-hosted-" + site + ".yaml"))))
        .isEqualTo("rw-------");
    assertThat(files.stream().map(ClusterRenderer.Rendered::file))
        .containsExactly(
            "00-trust.yaml",
            "10-mirror.yaml",
            "20-mce.yaml",
            "30-hosted-hosted-" + site + ".yaml",
            "40-infraenv-hosted-" + site + ".yaml",
            "50-workers-hosted-" + site + ".yaml",
            "registries.conf",
            "forcedns",
            "dnsmasq.conf");

    List<Finding> findings = ManifestValidator.validate(out);
    assertThat(findings).as("validate on the rendered set").isEmpty();

    Path golden = Path.of("src/test/resources/cluster/golden", site);
    for (ClusterRenderer.Rendered r : files) {
      Path g = golden.resolve(r.file());
      if (UPDATE) {
        Files.createDirectories(golden);
        Files.writeString(g, r.content());
      }
      assertThat(r.content()).as(r.file() + " against " + g).isEqualTo(Files.readString(g));
    }
  }

  @Test
  void identitiesAreStableAndAgree(@TempDir Path dir) throws Exception {
    AirgapConfig cfg = site(dir, "dual");
    ClusterRenderer r = new ClusterRenderer(cfg, SiteFacts.gather(cfg));
    var workers = r.workerList(cfg.cluster().hosted().get(0));
    assertThat(workers).hasSize(3);
    assertThat(workers.get(0).mac())
        .isEqualTo(Machines.mac("dns.base.domain.name", "hosted-dual-worker0"));
    assertThat(workers.get(0).mac()).matches("52:54:00(:[0-9a-f]{2}){3}");
    assertThat(workers.stream().map(ClusterRenderer.Worker::mac).distinct()).hasSize(3);
    assertThat(workers.get(1).bmcUrl())
        .isEqualTo(
            "redfish-virtualmedia://registry.dns.base.domain.name:9000/redfish/v1/Systems/"
                + Machines.uuid("dns.base.domain.name", "hosted-dual-worker1"));
    assertThat(new ClusterRenderer(cfg, SiteFacts.gather(cfg)).render()).isEqualTo(r.render());
  }

  @Test
  void releaseMustBeInAirgapsRegistry(@TempDir Path dir) throws Exception {
    AirgapConfig cfg = site(dir, "dual");
    assertThatThrownBy(
            () ->
                SiteFacts.resolveRelease(
                    "4.19.0",
                    "r:5000",
                    org.airgap.registry.storage.RepositoryStore.onFiles(
                        cfg.dataDir().resolve("registry"))))
        .hasMessageContaining(
            "release openshift/release-images:4.19.0-x86_64 is not in airgap's registry yet");
    assertThat(
            SiteFacts.resolveRelease(
                "quay.io/openshift-release-dev/ocp-release@" + DIGEST, "r:5000", null))
        .isEqualTo("r:5000/openshift/release-images@" + DIGEST);
  }

  @Test
  void thePullSecretGetsAirgapsEntryAndThePullUserLogsIn(@TempDir Path dir) throws Exception {
    AirgapConfig cfg = site(dir, "dual");
    SiteFacts facts = SiteFacts.gather(cfg);
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(facts.pullSecretJson());
    assertThat(json.path("auths").has("registry.redhat.io")).isTrue();
    String auth =
        json.path("auths").path("registry.dns.base.domain.name:5000").path("auth").asText();
    assertThat(new String(java.util.Base64.getDecoder().decode(auth), StandardCharsets.UTF_8))
        .isEqualTo("airgap-pull:pull-pass-0123");
    assertThat(
            new org.airgap.registry.auth.Htpasswd(cfg.htpasswd())
                .check("airgap-pull", "pull-pass-0123"))
        .isTrue();
    assertThat(
            new org.airgap.registry.auth.Htpasswd(cfg.htpasswd())
                .check("airgap-bmc", "bmc-pass-4567"))
        .isTrue();
  }

  @Test
  void controlPlaneOperatorImageIsTheReleasesHypershiftAtItsMirror(@TempDir Path dir)
      throws Exception {
    AirgapConfig cfg = site(dir, "dual");
    assertThat(SiteFacts.gather(cfg).controlPlaneOperatorImage())
        .isEqualTo(
            "registry.dns.base.domain.name:5000/openshift/release@"
                + HYPERSHIFT.substring(HYPERSHIFT.indexOf('@') + 1));
    assertThat(
            SiteFacts.mirrored(
                "example.com/other@" + DIGEST,
                org.airgap.registry.mirror.MirrorResources.releaseMappings("r:5000")))
        .isEqualTo("example.com/other@" + DIGEST);
    // a tag that names something that is no release payload: render stops with the reason
    var store = org.airgap.registry.storage.RepositoryStore.onFiles(dir.resolve("var/registry"));
    store.putManifest(
        RepoName.parse("openshift/release-images"),
        org.airgap.registry.api.Reference.parse("4.18.1-x86_64"),
        java.util.Optional.of("application/vnd.oci.image.manifest.v1+json"),
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + org.airgap.registry.api.Digest.sha256(RELEASE_CONFIG)
                + "\",\"size\":"
                + RELEASE_CONFIG.length
                + "},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> SiteFacts.gather(cfg))
        .hasMessageContaining("cannot be read from airgap's registry")
        .hasMessageContaining("image-references");
  }
}
