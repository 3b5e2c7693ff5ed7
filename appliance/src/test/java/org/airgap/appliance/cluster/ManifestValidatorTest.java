package org.airgap.appliance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.airgap.appliance.pki.Pki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A correct set of the procedure's manifests passes; each defect class of the published procedure,
 * seeded into one file, is found and named by file, document and path.
 */
class ManifestValidatorTest {
  static final List<String> FILES =
      List.of(
          "00-trust.yaml",
          "10-mirror.yaml",
          "20-mce.yaml",
          "30-hosted-hosted-dual.yaml",
          "40-infraenv-hosted-dual.yaml",
          "50-workers-hosted-dual.yaml",
          "dnsmasq.conf",
          "site.zone",
          "registries.conf");
  static String caBlock;

  @BeforeAll
  static void ca(@TempDir Path dir) {
    String pem = new Pki(dir, "example.com").init().caPem();
    caBlock = pem.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElseThrow();
  }

  static Path good(Path dir) throws IOException {
    for (String f : FILES) {
      try (InputStream in = ManifestValidatorTest.class.getResourceAsStream("/cluster/good/" + f)) {
        String text =
            new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${CA}", caBlock);
        Files.writeString(dir.resolve(f), text);
      }
    }
    return dir;
  }

  @Test
  void aCorrectSetPasses(@TempDir Path dir) throws Exception {
    assertThat(ManifestValidator.validate(good(dir))).isEmpty();
  }

  /** One seeded defect: the file, the text replaced, and what the finding must say. */
  record Defect(String name, String file, String from, String to, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Defect> defects() {
    String digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    return Stream.of(
        new Defect(
            "callout number after a value",
            "50-workers-hosted-dual.yaml",
            "bootMACAddress: aa:aa:aa:aa:02:11",
            "bootMACAddress: aa:aa:aa:aa:02:11 \\11",
            "50-workers-hosted-dual.yaml (document 2) /spec/bootMACAddress: 'aa:aa:aa:aa:02:11 \\11' ends in what looks like a documentation callout number"),
        new Defect(
            "callout number in an integer",
            "30-hosted-hosted-dual.yaml",
            "  replicas: 2",
            "  replicas: 2 6",
            "30-hosted-hosted-dual.yaml (document 8) /spec/replicas: '2 6' ends in what looks like a documentation callout number"),
        new Defect(
            "IPv4 in brackets",
            "50-workers-hosted-dual.yaml",
            "redfish-virtualmedia://192.168.126.1:9000",
            "redfish-virtualmedia://[192.168.126.1]:9000",
            "/spec/bmc/address: '[192.168.126.1]': brackets are for IPv6 literals only; write 192.168.126.1"),
        new Defect(
            "list instead of object",
            "00-trust.yaml",
            "  additionalTrustedCA:\n    name: registry-config",
            "  additionalTrustedCA:\n  - name: registry-config",
            "00-trust.yaml (document 2) /spec/additionalTrustedCA: "),
        new Defect(
            "release by tag",
            "30-hosted-hosted-dual.yaml",
            "release-images" + digest + "\n  secretEncryption",
            "release-images:4.18.1-x86_64\n  secretEncryption",
            "(document 7) /spec/release/image: release 'registry.dns.base.domain.name:5000/openshift/release-images:4.18.1-x86_64' is a tag"),
        new Defect(
            "control-plane-operator image by tag",
            "30-hosted-hosted-dual.yaml",
            "5000/openshift/release@sha256:76b482f683cd3ef9da02debac5b26080a5aeb06ff768ee5c21117514dff29d8a",
            "5000/openshift/release:hypershift",
            "(document 7) /metadata/annotations/hypershift.openshift.io~1control-plane-operator-image: image 'registry.dns.base.domain.name:5000/openshift/release:hypershift' is a tag"),
        new Defect(
            "missing pull secret",
            "40-infraenv-hosted-dual.yaml",
            "kind: Secret\nmetadata:\n  name: pull-secret",
            "kind: Secret\nmetadata:\n  name: other-secret",
            "40-infraenv-hosted-dual.yaml (document 2) /spec/pullSecretRef/name: references Secret clusters-hosted-dual/pull-secret, which no file here defines"),
        new Defect(
            "bad indentation",
            "20-mce.yaml",
            "    version: 418.94.202501221327-0",
            "    version: 418.94.202501221327-0\n   - cpuArchitecture: aarch64\n    openshiftVersion: \"4.18\"",
            "20-mce.yaml (document 2): line 54: while parsing a block mapping (check the indentation)"),
        new Defect(
            "objects joined without ---",
            "50-workers-hosted-dual.yaml",
            "type: Opaque\n---\n",
            "type: Opaque\n# ...\n",
            "(two objects joined without a '---' line, or a key written twice)"),
        new Defect(
            "duplicate keys",
            "00-trust.yaml",
            "data:\n  registry.dns.base.domain.name..5000: |\n",
            "data:\n  registry.dns.base.domain.name..5000: x\n  registry.dns.base.domain.name..5000: |\n",
            "Duplicate field 'registry.dns.base.domain.name..5000'"),
        new Defect(
            "MACs differ between DHCP and BMH",
            "dnsmasq.conf",
            "dhcp-host=aa:aa:aa:aa:02:11",
            "dhcp-host=aa:aa:aa:aa:02:12",
            "/spec/bootMACAddress: MAC aa:aa:aa:aa:02:11 differs from the DHCP host hosted-dual-worker0 (aa:aa:aa:aa:02:12)"),
        new Defect(
            "AAAA written as A",
            "site.zone",
            "IN AAAA 2620",
            "IN A 2620",
            "site.zone line 2: IPv6 address 2620:52:0:1306::10 written as an A record: use AAAA"),
        new Defect(
            "host:port as a ConfigMap key",
            "00-trust.yaml",
            "registry.dns.base.domain.name..5000:",
            "\"registry.dns.base.domain.name:5000\":",
            "not a legal ConfigMap key: write host:port as registry.dns.base.domain.name..5000"),
        new Defect(
            "CA block with |-",
            "00-trust.yaml",
            "..5000: |\n",
            "..5000: |-\n",
            "the PEM block lost its final newline (use '|', not '|-')"),
        new Defect(
            "registries.conf without a mirror",
            "registries.conf",
            "\n  [[registry.mirror]]\n    location = \"registry.dns.base.domain.name:5000/openshift4\"\n",
            "\n",
            "registries.conf: registry \"registry.redhat.io/openshift4\" has no [[registry.mirror]]"),
        new Defect(
            "osImages from two servers",
            "20-mce.yaml",
            "rootFSUrl: http://registry.dns.base.domain.name:8080",
            "rootFSUrl: http://other.example.com:8080",
            "/spec/osImages: images come from more than one server"),
        new Defect(
            "namespace nobody creates",
            "40-infraenv-hosted-dual.yaml",
            "  name: hosted-dual\n  namespace: clusters-hosted-dual",
            "  name: hosted-dual\n  namespace: clusters-typo",
            "/metadata/namespace: namespace 'clusters-typo' is not created by any file here"));
  }

  @ParameterizedTest
  @MethodSource("defects")
  void findsEachDefectClass(Defect d, @TempDir Path dir) throws Exception {
    good(dir);
    Path f = dir.resolve(d.file());
    String text = Files.readString(f);
    assertThat(text).as("fixture holds the text to break").contains(d.from());
    Files.writeString(f, text.replace(d.from(), d.to()));
    List<Finding> findings = ManifestValidator.validate(dir);
    assertThat(findings).as("findings").isNotEmpty();
    assertThat(findings.stream().map(Finding::toString))
        .as("findings for %s", d.name())
        .anyMatch(s -> s.contains(d.expected()));
  }
}
