package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ImageSetConfiguration mirrored between two real airgap registries: additional images by tag
 * and by digest, a blocked one left out; the cluster resources name every source repository; a run
 * to disk and back writes the same resources as the direct run.
 */
class ImageSetMirrorTest {
  @TempDir static Path dir;
  static RegistryFixture src;
  static RegistryFixture dst;
  static TestImages in;
  static TestImages.Pushed tool;
  static TestImages.Pushed pinned;

  @BeforeAll
  static void start() throws Exception {
    src = RegistryFixture.plain(dir.resolve("src"));
    dst = RegistryFixture.plain(dir.resolve("dst"));
    in = MirrorTestSupport.images(src);
    tool = in.push("karmab/kcli", Optional.of("latest"), 1, "amd64", 3000);
    pinned = in.push("openshift4/ose-kube-rbac-proxy", Optional.empty(), 2, "amd64", 2000);
    in.push("karmab/blocked", Optional.of("latest"), 3, "amd64", 1000);
  }

  @AfterAll
  static void stop() {
    src.close();
    dst.close();
  }

  String isc() {
    String h = src.hostPort();
    return """
        apiVersion: mirror.openshift.io/v2alpha1
        kind: ImageSetConfiguration
        mirror:
          additionalImages:
          - name: %s/karmab/kcli:latest
          - name: %s/openshift4/ose-kube-rbac-proxy@%s
          - name: %s/karmab/blocked:latest
          blockedImages:
          - name: /karmab/blocked
        """
        .formatted(h, h, pinned.digest(), h);
  }

  static Map<String, String> files(Path d) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(d)) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return out;
  }

  static ImageSetMirror.Result direct(ImageSetConfig c, String to, Path results) {
    try (RegistryClient client = new RegistryClient(MirrorTestSupport.options(src, dst));
        Mirror m = new Mirror(client, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      return new ImageSetMirror(client, m, MirrorListener.none())
          .toRegistry(c, ImageSetInputs.none(), RegistryTarget.parse(to), results);
    }
  }

  @Test
  void additionalImagesThenTheSameResourcesThroughADisk() throws Exception {
    ImageSetConfig c = ImageSetConfig.parse("isc.yaml", isc());
    String to = dst.hostPort() + "/direct";
    ImageSetMirror.Result r = direct(c, to, dir.resolve("ws"));
    assertThat(r.summary().ok()).as(r.summary().images().toString()).isTrue();
    assertThat(r.plan().images()).hasSize(2).noneMatch(i -> i.contains("blocked"));
    Map<String, String> res = files(ClusterResources.dir(dir.resolve("ws")));
    assertThat(res)
        .containsOnlyKeys("idms-oc-mirror.yaml", "itms-oc-mirror.yaml", "registries.conf");
    String h = src.hostPort();
    assertThat(res.get("idms-oc-mirror.yaml"))
        .contains("kind: ImageDigestMirrorSet")
        .contains("source: " + h + "/openshift4/ose-kube-rbac-proxy")
        .contains("- " + to + "/openshift4/ose-kube-rbac-proxy")
        .doesNotContain("kcli");
    assertThat(res.get("itms-oc-mirror.yaml"))
        .contains("kind: ImageTagMirrorSet")
        .contains("source: " + h + "/karmab/kcli")
        .doesNotContain("blocked");
    assertThat(res.get("registries.conf"))
        .contains("location = \"" + h + "/openshift4/ose-kube-rbac-proxy\"")
        .contains("mirror-by-digest-only = true");
    assertThat(MirrorTestSupport.images(dst).raw("direct/karmab/kcli", "latest"))
        .isEqualTo(tool.manifest());
    assertThat(MirrorTestSupport.images(dst).raw("direct/karmab/blocked", "latest")).isNull();

    // the same configuration through a disk archive, into the same target: the same resources
    Path archive = dir.resolve("archive");
    try (RegistryClient client = new RegistryClient(MirrorTestSupport.options(src, dst));
        Mirror m = new Mirror(client, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      ImageSetMirror ism = new ImageSetMirror(client, m, MirrorListener.none());
      assertThat(ism.toDisk(c, ImageSetInputs.none(), archive).summary().ok()).isTrue();
    }
    assertThat(archive.resolve("working-dir/imageset.json")).exists();
    try (RegistryClient client = new RegistryClient(MirrorTestSupport.options(dst));
        Mirror m = new Mirror(client, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      ImageSetMirror.Result back =
          new ImageSetMirror(client, m, MirrorListener.none())
              .fromDisk(archive, RegistryTarget.parse(to), Optional.empty());
      assertThat(back.summary().ok()).as(back.summary().images().toString()).isTrue();
    }
    assertThat(files(ClusterResources.dir(archive))).isEqualTo(res);
  }
}
