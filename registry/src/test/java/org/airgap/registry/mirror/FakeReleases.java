package org.airgap.registry.mirror;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Three fake OpenShift releases (4.18.1, 4.18.2, 4.18.3) in a test registry, the way the real ones
 * are laid out: payloads tagged {@code VERSION-x86_64} in {@code
 * openshift-release-dev/ocp-release}, each with a base layer and a {@code release-manifests/} layer
 * holding {@code image-references} (an ImageStream naming its components by digest) and the CoreOS
 * boot-images config map (naming the KubeVirt container disk); the components live by digest in
 * {@code openshift-release-dev/ocp-v4.0-art-dev}. Plus the Cincinnati graph JSON of the three.
 */
final class FakeReleases {
  static final String RELEASE_REPO = "openshift-release-dev/ocp-release";
  static final String ART_REPO = "openshift-release-dev/ocp-v4.0-art-dev";
  static final List<String> VERSIONS = List.of("4.18.1", "4.18.2", "4.18.3");

  final String host;

  /** version → payload digest. */
  final Map<String, String> payloads = new LinkedHashMap<>();

  /** version → component name → pull spec. */
  final Map<String, Map<String, String>> components = new LinkedHashMap<>();

  /** version → KubeVirt container disk pull spec. */
  final Map<String, String> kubeVirt = new LinkedHashMap<>();

  FakeReleases(TestImages images, String host) throws Exception {
    this.host = host;
    int seed = 100;
    TestImages.Pushed base = images.push(ART_REPO, Optional.empty(), seed++, "amd64", 1500);
    for (String v : VERSIONS) {
      Map<String, String> comps = new LinkedHashMap<>();
      for (String name : List.of("hypershift", "cluster-version-operator", "rhel-coreos")) {
        TestImages.Pushed c = images.push(ART_REPO, Optional.empty(), seed++, "amd64", 700);
        comps.put(name, host + "/" + ART_REPO + "@" + c.digest());
      }
      // a component shared by every release
      comps.put("pod", host + "/" + ART_REPO + "@" + base.digest());
      TestImages.Pushed disk = images.push(ART_REPO, Optional.empty(), seed++, "amd64", 900);
      String diskRef = host + "/" + ART_REPO + "@" + disk.digest();
      StringBuilder tags = new StringBuilder();
      for (Map.Entry<String, String> e : comps.entrySet()) {
        tags.append(tags.length() > 0 ? "," : "")
            .append("{\"name\":\"")
            .append(e.getKey())
            .append("\",\"from\":{\"kind\":\"DockerImage\",\"name\":\"")
            .append(e.getValue())
            .append("\"}}");
      }
      String refs =
          "{\"kind\":\"ImageStream\",\"apiVersion\":\"image.openshift.io/v1\",\"metadata\":"
              + "{\"name\":\""
              + v
              + "\"},\"spec\":{\"tags\":["
              + tags
              + "]}}";
      String stream =
          "{\"stream\":\"rhcos-4.18\",\"architectures\":{\"x86_64\":{\"images\":{\"kubevirt\":"
              + "{\"release\":\"418.94\",\"image\":\"quay.io/x/y\",\"digest-ref\":\""
              + diskRef
              + "\"}}}}}";
      String boot =
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coreos-bootimages\n"
              + "  namespace: openshift-machine-config-operator\ndata:\n  stream: '"
              + stream
              + "'\n";
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put("release-manifests/release-metadata", ("{\"version\":\"" + v + "\"}").getBytes());
      files.put(
          "release-manifests/0000_50_installer_coreos-bootimages.yaml",
          boot.getBytes(StandardCharsets.UTF_8));
      files.put("release-manifests/image-references", refs.getBytes(StandardCharsets.UTF_8));
      byte[] manifests = TestImages.tarGz(files);
      byte[] baseLayer =
          TestImages.tarGz(
              Map.of("usr/bin/cluster-version-operator", TestImages.random(4000, seed++)));
      TestImages.Pushed p =
          images.pushLayers(
              RELEASE_REPO,
              Optional.of(v + "-x86_64"),
              Map.of("io.openshift.release", v),
              baseLayer,
              manifests);
      payloads.put(v, p.digest());
      components.put(v, comps);
      kubeVirt.put(v, diskRef);
    }
  }

  /** The pull spec of a release by digest. */
  String payload(String version) {
    return host + "/" + RELEASE_REPO + "@" + payloads.get(version);
  }

  /**
   * The update graph: 4.18.1 only in candidate-4.18, the others in candidate and stable; edges
   * 1→2→3.
   */
  Path graph(Path file) throws Exception {
    StringBuilder nodes = new StringBuilder();
    for (String v : VERSIONS) {
      String channels = v.equals("4.18.1") ? "candidate-4.18" : "candidate-4.18,stable-4.18";
      nodes
          .append(nodes.length() > 0 ? "," : "")
          .append("{\"version\":\"")
          .append(v)
          .append("\",\"payload\":\"")
          .append(payload(v))
          .append("\",\"metadata\":{\"io.openshift.upgrades.graph.release.channels\":\"")
          .append(channels)
          .append("\"}}");
    }
    Files.writeString(file, "{\"version\":1,\"nodes\":[" + nodes + "],\"edges\":[[0,1],[1,2]]}");
    return file;
  }
}
