package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The procedure's ImageSetConfiguration examples parse once their placeholders are filled; as
 * printed (callouts, placeholders) and with unknown or unsupported keys they are rejected with a
 * message naming the key.
 */
class ImageSetConfigTest {
  static String resource(String name) throws Exception {
    try (InputStream in = ImageSetConfigTest.class.getResourceAsStream("/isc/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theProcedureChannelExampleParses() throws Exception {
    ImageSetConfig c = ImageSetConfig.parse("isc.yaml", resource("procedure-channels.yaml"));
    ImageSetConfig.PlatformSpec p = c.platform().orElseThrow();
    assertThat(p.graph()).isTrue();
    assertThat(p.kubeVirtContainer()).isTrue();
    assertThat(p.channels()).hasSize(1);
    ImageSetConfig.ChannelSpec ch = p.channels().get(0);
    assertThat(ch.name()).isEqualTo("candidate-4.18");
    assertThat(ch.minVersion()).hasValue(Semver.parse("4.18.1"));
    assertThat(ch.maxVersion()).hasValue(Semver.parse("4.18.3"));
    assertThat(c.additionalImages()).hasSize(10).contains("quay.io/karmab/kcli:latest");
    assertThat(c.operators()).hasSize(1);
    assertThat(c.operators().get(0).packages())
        .extracting(ImageSetConfig.PackageSpec::name)
        .contains("lvms-operator", "kubevirt-hyperconverged")
        .hasSize(8);
  }

  @Test
  void theProcedureReleaseExampleParses() throws Exception {
    ImageSetConfig c = ImageSetConfig.parse("isc.yaml", resource("procedure-release.yaml"));
    assertThat(c.platform().orElseThrow().release())
        .hasValue("registry.ci.openshift.org/ocp/release:4.18.0-0.nightly-2025-01-30-123456");
    assertThat(c.platform().get().channels()).isEmpty();
  }

  record Case(String name, String yaml, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String HEAD =
      "apiVersion: mirror.openshift.io/v2alpha1\nkind: ImageSetConfiguration\n";

  static Stream<Case> rejected() throws Exception {
    return Stream.of(
        new Case(
            "callouts as printed",
            resource("procedure-callouts.yaml"),
            "isc.yaml: mirror.platform.channels[0].minVersion: '4.18.1  1' is not a semantic version"),
        new Case(
            "placeholders as printed",
            resource("procedure-placeholders.yaml"),
            "mirror.platform.channels[0].minVersion: '<4.x.y-build>' is not a semantic version"),
        new Case(
            "unknown key",
            HEAD + "mirror:\n  additionalImages:\n  - name: quay.io/a/b:1\n    tag: x\n",
            "isc.yaml: mirror.additionalImages[0].tag: unknown key (known here: name)"),
        new Case(
            "misindented key",
            HEAD + "mirror:\n  platform:\n    channels:\n    - name: stable-4.18\n  graph: true\n",
            "isc.yaml: mirror.graph: unknown key"),
        new Case(
            "helm",
            HEAD + "mirror:\n  helm:\n    repositories:\n    - name: a\n      url: https://x\n",
            "isc.yaml: mirror.helm: not supported by airgap: Helm charts are not mirrored"),
        new Case(
            "oc-mirror v1",
            "apiVersion: mirror.openshift.io/v1alpha2\nkind: ImageSetConfiguration\nmirror: {}\n",
            "isc.yaml: apiVersion: 'mirror.openshift.io/v1alpha2' is not supported"),
        new Case(
            "shortestPath",
            HEAD
                + "mirror:\n  platform:\n    channels:\n    - name: stable-4.18\n"
                + "      shortestPath: true\n",
            "mirror.platform.channels[0].shortestPath: not supported by airgap"),
        new Case(
            "targetRepo",
            HEAD + "mirror:\n  additionalImages:\n  - name: quay.io/a/b:1\n    targetRepo: x/y\n",
            "mirror.additionalImages[0].targetRepo: not supported by airgap"),
        new Case(
            "kubeVirtContainer as a string",
            HEAD
                + "mirror:\n  platform:\n    release: quay.io/a/r:1\n    kubeVirtContainer: \"true\"\n",
            "mirror.platform.kubeVirtContainer: must be true or false, not a string"),
        new Case(
            "two architectures",
            HEAD
                + "mirror:\n  platform:\n    release: quay.io/a/r:1\n"
                + "    architectures: [amd64, arm64]\n",
            "mirror.platform.architectures: 'arm64' is not supported"),
        new Case(
            "duplicate package",
            HEAD
                + "mirror:\n  operators:\n  - catalog: quay.io/c/i:v1\n    packages:\n"
                + "    - name: a\n    - name: a\n",
            "mirror.operators[0].packages[1].name: package a twice"),
        new Case(
            "versions mixed",
            HEAD
                + "mirror:\n  operators:\n  - catalog: quay.io/c/i:v1\n    packages:\n"
                + "    - name: a\n      minVersion: 1.0.0\n      channels:\n"
                + "      - name: stable\n        maxVersion: 2.0.0\n",
            "mirror.operators[0].packages[0].channels[0]: versions on the package and on its"
                + " channels cannot be mixed"),
        new Case(
            "blocked regex",
            HEAD + "mirror:\n  blockedImages:\n  - name: 'quay.io/(a'\n",
            "mirror.blockedImages[0].name: 'quay.io/(a' is not a regular expression"),
        new Case(
            "duplicate key",
            HEAD + "mirror:\n  additionalImages: []\n  additionalImages: []\n",
            "isc.yaml: line 5: Duplicate field 'additionalImages'"),
        new Case(
            "local catalog",
            HEAD + "mirror:\n  operators:\n  - catalog: oci:///tmp/catalog\n",
            "mirror.operators[0].catalog: local catalogs (oci://) are not supported"),
        new Case(
            "min above max",
            HEAD
                + "mirror:\n  platform:\n    channels:\n    - name: stable-4.18\n"
                + "      minVersion: 4.18.5\n      maxVersion: 4.18.1\n",
            "mirror.platform.channels[0]: minVersion 4.18.5 is above maxVersion 4.18.1"));
  }

  @ParameterizedTest
  @MethodSource("rejected")
  void rejectedWithTheKeyNamed(Case c) {
    assertThatThrownBy(() -> ImageSetConfig.parse("isc.yaml", c.yaml()))
        .isInstanceOf(MirrorException.class)
        .hasMessageContaining(c.message())
        .extracting(e -> ((MirrorException) e).kind())
        .isEqualTo(MirrorException.Kind.USAGE);
  }

  @Test
  void blockedImagesAreRegularExpressions() {
    ImageSetConfig c =
        ImageSetConfig.parse(
            "isc.yaml",
            HEAD
                + "mirror:\n  additionalImages:\n  - name: quay.io/a/b:1\n"
                + "  blockedImages:\n  - name: '^quay\\.io/a/'\n");
    assertThat(c.blocked("quay.io/a/b:1")).isTrue();
    assertThat(c.blocked("quay.io/b/a:1")).isFalse();
  }

  @Test
  void semverOrdersPrereleasesFirst() {
    List<String> sorted =
        Stream.of("4.18.1", "4.18.0", "4.18.0-rc.10", "4.18.0-rc.2", "4.18.0-ec.1", "4.9.0")
            .map(Semver::parse)
            .sorted()
            .map(Semver::toString)
            .toList();
    assertThat(sorted)
        .containsExactly("4.9.0", "4.18.0-ec.1", "4.18.0-rc.2", "4.18.0-rc.10", "4.18.0", "4.18.1");
  }
}
