package org.airgap.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.airgap.registry.RegistryFixture;
import org.airgap.registry.api.RepoName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fake file-based catalog of three packages: the filter keeps the selected packages, channels and
 * versions with their dependency; the bundles and related images are mirrored (and only those); the
 * filtered catalog image, read back from the target, holds only the kept packages on the original
 * base layer; the CatalogSource points at it; a disk round trip gives the same image and the same
 * resources.
 */
class CatalogMirrorTest {
  @TempDir static Path dir;
  static RegistryFixture src;
  static RegistryFixture dst;
  static FakeCatalog cat;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    src = RegistryFixture.plain(dir.resolve("src"));
    dst = RegistryFixture.plain(dir.resolve("dst"));
    cat = new FakeCatalog(MirrorTestSupport.images(src), src.hostPort());
  }

  @AfterAll
  static void stop() {
    src.close();
    dst.close();
  }

  String isc() {
    return """
        apiVersion: mirror.openshift.io/v2alpha1
        kind: ImageSetConfiguration
        mirror:
          operators:
          - catalog: %s
            packages:
            - name: alpha
              channels:
              - name: stable
                minVersion: 1.1.0
            - name: beta
        """
        .formatted(cat.ref());
  }

  static Map<String, List<String>> bundlesByPackage(FileBasedCatalog c) {
    Map<String, List<String>> out = new TreeMap<>();
    c.bundles()
        .forEach(
            (p, bs) -> out.put(p, bs.stream().map(b -> b.path("name").asText()).sorted().toList()));
    return out;
  }

  @Test
  void theFilterKeepsSelectionChannelsAndDependencies() {
    CatalogImage.Read read;
    try (RegistryClient c = new RegistryClient(MirrorTestSupport.options(src))) {
      read =
          CatalogImage.read(
              ImageContent.http(c, src.hostPort(), RepoName.parse(FakeCatalog.REPO)),
              FakeCatalog.TAG);
      // read with only alpha in full: the others' bundles lose their bundle objects
      try (CatalogImage.Read slim =
          CatalogImage.read(
              ImageContent.http(c, src.hostPort(), RepoName.parse(FakeCatalog.REPO)),
              FakeCatalog.TAG,
              "alpha"::equals)) {
        assertThat(slim.catalog().bundle("alpha", "alpha.v1.0.0").orElseThrow().toString())
            .contains("olm.bundle.object");
        assertThat(slim.catalog().bundle("gamma", "gamma.v3.0.0").orElseThrow().toString())
            .doesNotContain("olm.bundle.object")
            .contains("olm.package");
        assertThat(
                slim.withFull(p -> true)
                    .catalog()
                    .bundle("gamma", "gamma.v3.0.0")
                    .orElseThrow()
                    .toString())
            .contains("olm.bundle.object");
      }
    }
    read.close();
    assertThat(read.catalog().packages()).containsOnlyKeys("alpha", "beta", "gamma");
    assertThat(read.catalogLayers()).containsExactly(false, true);
    ImageSetConfig.OperatorSpec spec = ImageSetConfig.parse("isc.yaml", isc()).operators().get(0);
    java.util.List<String> notes = new java.util.ArrayList<>();
    FileBasedCatalog f = CatalogFilter.filter(read.catalog(), spec, notes::add);
    assertThat(bundlesByPackage(f))
        .isEqualTo(
            Map.of(
                "alpha", List.of("alpha.v1.1.0", "alpha.v1.2.0"),
                "beta", List.of("beta.v2.1.0"),
                "gamma", List.of("gamma.v3.1.0")));
    assertThat(notes).anyMatch(n -> n.contains("requires gamma") && n.contains("gamma.v3.1.0"));
    assertThat(f.channels().get("alpha"))
        .extracting(ch -> ch.path("name").asText())
        .containsExactly("stable");
    assertThat(f.packages().get("gamma").path("defaultChannel").asText()).isEqualTo("stable");
    assertThat(f.images())
        .contains(cat.bundles.get("alpha.v1.1.0"), cat.operands.get("gamma.v3.1.0"))
        .doesNotContain(cat.bundles.get("alpha.v1.0.0"), cat.operands.get("alpha.v1.3.0"));

    ImageSetConfig.OperatorSpec skip =
        new ImageSetConfig.OperatorSpec(
            spec.catalog(), Optional.empty(), Optional.empty(), false, true, spec.packages());
    assertThat(CatalogFilter.filter(read.catalog(), skip, n -> {}).packages())
        .containsOnlyKeys("alpha", "beta");
    ImageSetConfig.OperatorSpec unknown =
        new ImageSetConfig.OperatorSpec(
            spec.catalog(),
            Optional.empty(),
            Optional.empty(),
            false,
            false,
            List.of(
                new ImageSetConfig.PackageSpec(
                    "nope", List.of(), Optional.empty(), Optional.empty(), Optional.empty())));
    assertThatThrownBy(() -> CatalogFilter.filter(read.catalog(), unknown, n -> {}))
        .hasMessageContaining("package nope is not in the catalog");
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

  @Test
  void mirrorsTheFilteredCatalogItsBundlesAndTheSameThroughADisk() throws Exception {
    ImageSetConfig c = ImageSetConfig.parse("isc.yaml", isc());
    String to = dst.hostPort() + "/direct";
    Path ws = dir.resolve("ws");
    ImageSetMirror.Result r;
    try (RegistryClient client = new RegistryClient(MirrorTestSupport.options(src, dst));
        Mirror m = new Mirror(client, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      r =
          new ImageSetMirror(client, m, MirrorListener.none())
              .toRegistry(c, ImageSetInputs.none(), RegistryTarget.parse(to), ws);
    }
    assertThat(r.summary().ok()).as(r.summary().images().toString()).isTrue();
    ImageSetPlan.Catalog built = r.plan().catalogs().get(0);
    assertThat(built.packages()).containsExactly("alpha", "beta", "gamma");

    TestImages out = MirrorTestSupport.images(dst);
    for (String b : List.of("alpha.v1.1.0", "alpha.v1.2.0", "beta.v2.1.0", "gamma.v3.1.0")) {
      for (String ref : List.of(cat.bundles.get(b), cat.operands.get(b))) {
        ImageRef i = ImageRef.parse(ref);
        assertThat(out.raw("direct/" + i.repository(), i.digest().orElseThrow().toString()))
            .as(ref)
            .isNotNull();
      }
    }
    ImageRef skipped = ImageRef.parse(cat.operands.get("alpha.v1.0.0"));
    assertThat(out.raw("direct/" + skipped.repository(), skipped.digest().get().toString()))
        .isNull();

    // read the filtered catalog back from the target
    CatalogImage.Read back;
    try (RegistryClient client = new RegistryClient(MirrorTestSupport.options(dst))) {
      back =
          CatalogImage.read(
              ImageContent.http(
                  client, dst.hostPort(), RepoName.parse("direct/" + FakeCatalog.REPO)),
              FakeCatalog.TAG);
    }
    assertThat(back.manifest().digest().toString()).isEqualTo(built.digest());
    assertThat(back.catalog().packages()).containsOnlyKeys("alpha", "beta", "gamma");
    back.close();
    assertThat(back.catalog().bundle("gamma", "gamma.v3.1.0").orElseThrow().toString())
        .as("a dependency's bundle is written in full")
        .contains("olm.bundle.object");
    assertThat(bundlesByPackage(back.catalog()).get("alpha"))
        .containsExactly("alpha.v1.1.0", "alpha.v1.2.0");
    assertThat(back.layers()).hasSize(2);
    assertThat(back.catalogLayers()).containsExactly(false, true);
    assertThat(back.layers().get(0).digest().toString()).isEqualTo(cat.baseLayer);
    JsonNode config = back.config();
    assertThat(config.path("rootfs").path("diff_ids")).hasSize(2);
    assertThat(config.path("config").path("Labels").path(CatalogImage.CONFIGS_LABEL).asText())
        .isEqualTo("/configs");

    Path res = ClusterResources.dir(ws);
    Map<String, String> direct = files(res);
    String cs = direct.get("cs-redhat-operator-index-v4-18.yaml");
    assertThat(cs)
        .contains("kind: CatalogSource")
        .contains("namespace: openshift-marketplace")
        .contains("sourceType: grpc")
        .contains("image: " + to + "/" + FakeCatalog.REPO + ":" + FakeCatalog.TAG);
    assertThat(direct.get("idms-oc-mirror.yaml"))
        .contains("source: " + src.hostPort() + "/catalog/alpha-bundle")
        .contains("source: " + src.hostPort() + "/catalog/gamma-operand");
    assertThat(direct).doesNotContainKey("itms-oc-mirror.yaml");

    // mirror to disk, then disk to mirror (into another prefix): the same image, the same resources
    Path archive = dir.resolve("archive");
    try (RegistryClient client = new RegistryClient(MirrorTestSupport.options(src, dst));
        Mirror m = new Mirror(client, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      ImageSetMirror.Result d =
          new ImageSetMirror(client, m, MirrorListener.none())
              .toDisk(c, ImageSetInputs.none(), archive);
      assertThat(d.summary().ok()).as(d.summary().images().toString()).isTrue();
      assertThat(d.plan()).isEqualTo(r.plan());
    }
    try (RegistryClient client = new RegistryClient(MirrorTestSupport.options(dst));
        Mirror m = new Mirror(client, MirrorTestSupport.mirrorOptions(), MirrorListener.none())) {
      ImageSetMirror.Result b =
          new ImageSetMirror(client, m, MirrorListener.none())
              .fromDisk(
                  archive, RegistryTarget.parse(dst.hostPort() + "/viadisk"), Optional.empty());
      assertThat(b.summary().ok()).as(b.summary().images().toString()).isTrue();
    }
    assertThat(out.raw("viadisk/" + FakeCatalog.REPO, FakeCatalog.TAG))
        .isEqualTo(out.raw("direct/" + FakeCatalog.REPO, FakeCatalog.TAG));
    Map<String, String> viaDisk = new TreeMap<>();
    files(ClusterResources.dir(archive))
        .forEach((k, v) -> viaDisk.put(k, v.replace("/viadisk/", "/direct/")));
    assertThat(viaDisk).isEqualTo(direct);
  }
}
