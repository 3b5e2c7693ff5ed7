package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.airgap.registry.RegistryFixture;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.storage.RepositoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Release payloads built in the test: {@link ReleasePayload} reads their image-references over HTTP
 * and from the registry's storage; {@code platform.channels} resolve from a three-version graph or
 * from the tags present; payloads, components, the KubeVirt disk and the graph image are mirrored;
 * signatures on disk become config maps.
 */
class ReleaseMirrorTest {
  @TempDir static Path dir;
  static RegistryFixture src;
  static RegistryFixture dst;
  static FakeReleases rel;
  static TestImages.Pushed graphImage;

  @BeforeAll
  static void start() throws Exception {
    src = RegistryFixture.plain(dir.resolve("src"));
    dst = RegistryFixture.plain(dir.resolve("dst"));
    TestImages in = MirrorTestSupport.images(src);
    rel = new FakeReleases(in, src.hostPort());
    graphImage = in.push("openshift/graph-image", Optional.of("latest"), 900, "amd64", 600);
  }

  @AfterAll
  static void stop() {
    src.close();
    dst.close();
  }

  static RegistryClient client() {
    return new RegistryClient(MirrorTestSupport.options(src, dst));
  }

  @Test
  void readsImageReferencesOverHttpAndFromStorage() {
    try (RegistryClient c = client()) {
      ReleasePayload p =
          ReleasePayload.read(
              c,
              ImageRef.parse(src.hostPort() + "/" + FakeReleases.RELEASE_REPO + ":4.18.2-x86_64"));
      assertThat(p.version()).isEqualTo("4.18.2");
      assertThat(p.digest().toString()).isEqualTo(rel.payloads.get("4.18.2"));
      assertThat(p.image("hypershift")).hasValue(rel.components.get("4.18.2").get("hypershift"));
      assertThat(p.components()).hasSize(4);
      assertThat(p.kubeVirtContainer()).hasValue(rel.kubeVirt.get("4.18.2"));
    }
    ReleasePayload s =
        ReleasePayload.read(
            RepositoryStore.onFiles(src.storage),
            RepoName.parse(FakeReleases.RELEASE_REPO),
            rel.payloads.get("4.18.3"));
    assertThat(s.version()).isEqualTo("4.18.3");
    assertThat(s.image("hypershift")).hasValue(rel.components.get("4.18.3").get("hypershift"));
  }

  @Test
  void aPlainImageIsNotAReleasePayload() throws Exception {
    TestImages.Pushed plain =
        MirrorTestSupport.images(src).push("some/app", Optional.of("1"), 5, "amd64", 100);
    try (RegistryClient c = client()) {
      assertThatThrownBy(
              () -> ReleasePayload.read(c, ImageRef.parse(src.hostPort() + "/some/app:1")))
          .hasMessageContaining("not a release payload: no release-manifests/image-references");
    }
    assertThat(plain.digest()).startsWith("sha256:");
  }

  String isc(String platform) {
    return "apiVersion: mirror.openshift.io/v2alpha1\nkind: ImageSetConfiguration\nmirror:\n"
        + "  platform:\n"
        + platform;
  }

  ImageSetMirror.Result run(String isc, ImageSetInputs inputs, String to, Path ws) {
    try (RegistryClient c = client();
        Mirror m = new Mirror(c, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      return new ImageSetMirror(c, m, MirrorListener.none())
          .toRegistry(ImageSetConfig.parse("isc.yaml", isc), inputs, RegistryTarget.parse(to), ws);
    }
  }

  @Test
  void channelsFromTheGraphWithKubeVirtGraphImageAndSignatures() throws Exception {
    Path sigs = Files.createDirectories(dir.resolve("sigs"));
    Digest d2 = Digest.parse(rel.payloads.get("4.18.2"));
    Files.write(sigs.resolve("sha256-" + d2.hex() + "-1"), new byte[] {1, 2, 3});
    Path sub =
        Files.createDirectories(
            sigs.resolve("sha256=" + Digest.parse(rel.payloads.get("4.18.3")).hex()));
    Files.write(sub.resolve("signature-1"), new byte[] {4, 5});
    Files.write(sub.resolve("signature-2"), new byte[] {6});
    ImageSetInputs inputs =
        ImageSetInputs.none()
            .withGraphData(rel.graph(dir.resolve("graph.json")))
            .withGraphImage(src.hostPort() + "/openshift/graph-image:latest")
            .withSignatures(sigs);
    String to = dst.hostPort() + "/mirror";
    Path ws = dir.resolve("ws-graph");
    ImageSetMirror.Result r =
        run(
            isc(
                "    graph: true\n    kubeVirtContainer: true\n    channels:\n"
                    + "    - name: candidate-4.18\n      minVersion: 4.18.2\n      type: ocp\n"),
            inputs,
            to,
            ws);
    assertThat(r.summary().ok()).as(r.summary().images().toString()).isTrue();
    assertThat(r.plan().releases())
        .extracting(ImageSetPlan.Release::version)
        .containsExactly("4.18.2", "4.18.3");
    TestImages out = MirrorTestSupport.images(dst);
    // oc-mirror v2's layout, which the control module's IDMS names too
    String repo = "mirror/openshift/release-images";
    assertThat(out.raw("mirror/" + FakeReleases.RELEASE_REPO, "4.18.2-x86_64")).isNull();
    assertThat(out.raw(repo, "4.18.2-x86_64")).isNotNull();
    assertThat(out.raw(repo, "4.18.3-x86_64")).isNotNull();
    assertThat(out.raw(repo, "4.18.1-x86_64")).isNull();
    for (String v : java.util.List.of("4.18.2", "4.18.3")) {
      for (String c : rel.components.get(v).values()) {
        assertThat(out.raw("mirror/openshift/release", c.substring(c.indexOf('@') + 1)))
            .as(c)
            .isNotNull();
      }
      String disk = rel.kubeVirt.get(v);
      assertThat(out.raw("mirror/openshift/release", disk.substring(disk.indexOf('@') + 1)))
          .isNotNull();
    }
    assertThat(out.raw("mirror/openshift/graph-image", "latest")).isNotNull();

    // the mirrored release reads back from the target's storage: what the control module does
    ReleasePayload mirrored =
        ReleasePayload.read(
            RepositoryStore.onFiles(dst.storage), RepoName.parse(repo), "4.18.3-x86_64");
    assertThat(mirrored.image("hypershift"))
        .hasValue(rel.components.get("4.18.3").get("hypershift"));

    Path res = ClusterResources.dir(ws);
    String idms = Files.readString(res.resolve("idms-oc-mirror.yaml"));
    assertThat(idms)
        .contains("source: " + src.hostPort() + "/" + FakeReleases.RELEASE_REPO)
        .contains("- " + to + "/openshift/release-images")
        .contains("source: " + src.hostPort() + "/" + FakeReleases.ART_REPO)
        .contains("- " + to + "/openshift/release\n");
    assertThat(Files.readString(res.resolve("itms-oc-mirror.yaml")))
        .contains("source: " + src.hostPort() + "/openshift/graph-image");
    String sigMaps = Files.readString(res.resolve("signature-configmap.yaml"));
    assertThat(sigMaps)
        .contains("namespace: openshift-config-managed")
        .contains("release.openshift.io/verification-signatures")
        .contains(
            "sha256-"
                + d2.hex()
                + "-1: "
                + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))
        .contains("-2: " + Base64.getEncoder().encodeToString(new byte[] {6}));

    // the same through a disk archive into another prefix: the same resources, prefix aside
    Path archive = dir.resolve("archive");
    String isc =
        isc(
            "    graph: true\n    kubeVirtContainer: true\n    channels:\n"
                + "    - name: candidate-4.18\n      minVersion: 4.18.2\n      type: ocp\n");
    try (RegistryClient c = client();
        Mirror m = new Mirror(c, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      ImageSetMirror.Result d =
          new ImageSetMirror(c, m, MirrorListener.none())
              .toDisk(ImageSetConfig.parse("isc.yaml", isc), inputs, archive);
      assertThat(d.summary().ok()).as(d.summary().images().toString()).isTrue();
      assertThat(d.plan()).isEqualTo(r.plan());
    }
    try (RegistryClient c = new RegistryClient(MirrorTestSupport.options(dst));
        Mirror m = new Mirror(c, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      ImageSetMirror.Result back =
          new ImageSetMirror(c, m, MirrorListener.none())
              .fromDisk(
                  archive, RegistryTarget.parse(dst.hostPort() + "/viadisk"), Optional.empty());
      assertThat(back.summary().ok()).as(back.summary().images().toString()).isTrue();
    }
    assertThat(out.raw("viadisk/openshift/release-images", "4.18.3-x86_64"))
        .isEqualTo(out.raw(repo, "4.18.3-x86_64"));
    java.util.Map<String, String> direct = ImageSetMirrorTest.files(res);
    java.util.Map<String, String> viaDisk = new java.util.TreeMap<>();
    ImageSetMirrorTest.files(ClusterResources.dir(archive))
        .forEach((k, v) -> viaDisk.put(k, v.replace("/viadisk/", "/mirror/")));
    assertThat(viaDisk).isEqualTo(direct);
  }

  @Test
  void channelsFromTheTagsPresentAndAReleaseByTag() throws Exception {
    // another architecture's tag in range is not an x86_64 release
    MirrorTestSupport.images(src)
        .push(FakeReleases.RELEASE_REPO, Optional.of("4.18.2-aarch64"), 77, "arm64", 100);
    ImageSetInputs inputs =
        ImageSetInputs.none()
            .withReleaseRepository(src.hostPort() + "/" + FakeReleases.RELEASE_REPO);
    ImageSetMirror.Result r =
        run(
            isc(
                "    release: "
                    + src.hostPort()
                    + "/"
                    + FakeReleases.RELEASE_REPO
                    + ":4.18.2-x86_64\n    channels:\n    - name: stable-4.18\n"
                    + "      minVersion: 4.18.1\n      maxVersion: 4.18.2\n"),
            inputs,
            dst.hostPort() + "/tags",
            dir.resolve("ws-tags"));
    assertThat(r.summary().ok()).as(r.summary().images().toString()).isTrue();
    assertThat(r.plan().releases())
        .extracting(ImageSetPlan.Release::version)
        .as("4.18.2, named by release and by the channel, once")
        .containsExactly("4.18.2", "4.18.1");
    assertThat(r.plan().images())
        .contains(
            src.hostPort()
                + "/"
                + FakeReleases.RELEASE_REPO
                + ":4.18.2-x86_64@"
                + rel.payloads.get("4.18.2"));
    // a release by tag is still written to the IDMS: it is mirrored by digest
    assertThat(ClusterResources.dir(dir.resolve("ws-tags")).resolve("itms-oc-mirror.yaml"))
        .doesNotExist();
  }

  @Test
  void aChannelWithoutReleasesInRangeAndGraphWithoutImageAreClear() throws Exception {
    ImageSetInputs inputs = ImageSetInputs.none().withGraphData(rel.graph(dir.resolve("g2.json")));
    assertThatThrownBy(
            () ->
                run(
                    isc("    channels:\n    - name: stable-4.18\n      minVersion: 4.18.5\n"),
                    inputs,
                    dst.hostPort() + "/x",
                    dir.resolve("ws-x")))
        .hasMessageContaining(
            "mirror.platform.channels stable-4.18: no release from 4.18.5 to the newest");
    assertThatThrownBy(
            () ->
                run(
                    isc("    graph: true\n    channels:\n    - name: stable-4.18\n"),
                    inputs,
                    dst.hostPort() + "/x",
                    dir.resolve("ws-x")))
        .hasMessageContaining("mirror.platform.graph: true needs --graph-image IMAGE");
  }
}
