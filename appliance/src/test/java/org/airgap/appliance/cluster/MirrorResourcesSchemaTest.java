package org.airgap.appliance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.airgap.registry.mirror.ClusterResources;
import org.airgap.registry.mirror.ImageSetPlan;
import org.airgap.registry.mirror.RegistryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file the mirror writes into {@code working-dir/cluster-resources/} passes {@code airgap
 * cluster validate}: the IDMS, ITMS and CatalogSource schemas of ../shared/schemas, the config map
 * rules (legal keys) and the registries.conf rules.
 */
class MirrorResourcesSchemaTest {
  @TempDir Path dir;

  @Test
  void everyResourceOfAFullPlanValidates() throws Exception {
    String release = "sha256:" + "a".repeat(64);
    ImageSetPlan plan =
        new ImageSetPlan(
            List.of(
                "quay.io/openshift-release-dev/ocp-release:4.18.3-x86_64@" + release,
                "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:" + "b".repeat(64),
                "registry.redhat.io/lvms4/lvms-rhel9-operator@sha256:" + "c".repeat(64),
                "quay.io/karmab/kcli:latest"),
            List.of(
                new ImageSetPlan.Catalog(
                    "registry.redhat.io/redhat/redhat-operator-index:v4.18",
                    "redhat/redhat-operator-index",
                    "v4.18",
                    "sha256:" + "d".repeat(64),
                    List.of("lvms-operator"))),
            List.of(
                new ImageSetPlan.ReleaseSignatures(
                    release, List.of(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})))),
            List.of(new ImageSetPlan.Release("4.18.3", "quay.io/x@" + release)));
    Path out = dir.resolve("cluster-resources");
    ClusterResources.write(out, plan, RegistryTarget.parse("registry.site.example:5000/mirror"));
    Map<String, String> names = new java.util.TreeMap<>();
    try (var s = Files.list(out)) {
      s.forEach(p -> names.put(p.getFileName().toString(), ""));
    }
    assertThat(names)
        .containsOnlyKeys(
            "idms-oc-mirror.yaml",
            "itms-oc-mirror.yaml",
            "cs-redhat-operator-index-v4-18.yaml",
            "signature-configmap.yaml",
            "registries.conf");
    assertThat(ManifestValidator.validate(out)).isEmpty();
    assertThat(Files.readString(out.resolve("cs-redhat-operator-index-v4-18.yaml")))
        .contains("image: registry.site.example:5000/mirror/redhat/redhat-operator-index:v4.18");
  }
}
