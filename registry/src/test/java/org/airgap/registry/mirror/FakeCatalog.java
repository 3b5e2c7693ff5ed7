package org.airgap.registry.mirror;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fake operator catalog image in a test registry, laid out like Red Hat's: a base layer (opm), a
 * catalog layer with {@code /configs/PACKAGE/catalog.json} (JSON streams; one package as YAML) and
 * opm's {@code /tmp/cache}. Three packages:
 *
 * <pre>
 * alpha  channels stable (1.0.0, 1.1.0, 1.2.0; default) and fast (1.2.0, 1.3.0)
 * beta   channel stable (2.0.0, 2.1.0); 2.1.0 requires gamma &gt;=3.0.0 &lt;4.0.0
 * gamma  channel stable (3.0.0, 3.1.0, 4.0.0)   (catalog.yaml)
 * </pre>
 *
 * Every bundle image exists (in {@code catalog/PACKAGE-bundle}, by digest) and has one related
 * operand image that exists too ({@code catalog/PACKAGE-operand}).
 */
final class FakeCatalog {
  static final String REPO = "redhat/redhat-operator-index";
  static final String TAG = "v4.18";

  final String host;
  final TestImages.Pushed image;

  /** The digest of the base (opm) layer. */
  final String baseLayer;

  /** bundle name → bundle pull spec. */
  final Map<String, String> bundles = new LinkedHashMap<>();

  /** bundle name → operand pull spec. */
  final Map<String, String> operands = new LinkedHashMap<>();

  FakeCatalog(TestImages images, String host) throws Exception {
    this.host = host;
    int seed = 500;
    Map<String, List<String>> versions = new LinkedHashMap<>();
    versions.put("alpha", List.of("1.0.0", "1.1.0", "1.2.0", "1.3.0"));
    versions.put("beta", List.of("2.0.0", "2.1.0"));
    versions.put("gamma", List.of("3.0.0", "3.1.0", "4.0.0"));
    Map<String, StringBuilder> files = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> p : versions.entrySet()) {
      String pkg = p.getKey();
      StringBuilder b = new StringBuilder();
      b.append(obj("olm.package", "\"name\":\"" + pkg + "\",\"defaultChannel\":\"stable\""));
      for (String v : p.getValue()) {
        String name = pkg + ".v" + v;
        TestImages.Pushed bundle =
            images.push("catalog/" + pkg + "-bundle", Optional.empty(), seed++, "amd64", 300);
        TestImages.Pushed operand =
            images.push("catalog/" + pkg + "-operand", Optional.empty(), seed++, "amd64", 400);
        String bref = host + "/catalog/" + pkg + "-bundle@" + bundle.digest();
        String oref = host + "/catalog/" + pkg + "-operand@" + operand.digest();
        bundles.put(name, bref);
        operands.put(name, oref);
        String req =
            name.equals("beta.v2.1.0")
                ? ",{\"type\":\"olm.package.required\",\"value\":{\"packageName\":\"gamma\","
                    + "\"versionRange\":\">=3.0.0 <4.0.0\"}}"
                : "";
        b.append(
            obj(
                "olm.bundle",
                "\"name\":\""
                    + name
                    + "\",\"package\":\""
                    + pkg
                    + "\",\"image\":\""
                    + bref
                    + "\",\"properties\":[{\"type\":\"olm.package\",\"value\":{\"packageName\":\""
                    + pkg
                    + "\",\"version\":\""
                    + v
                    + "\"}}"
                    + req
                    + ",{\"type\":\"olm.bundle.object\",\"value\":{\"data\":\""
                    + java.util.Base64.getEncoder()
                        .encodeToString(name.getBytes(StandardCharsets.UTF_8))
                    + "\"}}"
                    + "],\"relatedImages\":[{\"name\":\"operator\",\"image\":\""
                    + oref
                    + "\"},{\"name\":\"bundle\",\"image\":\""
                    + bref
                    + "\"}]"));
      }
      List<String> vs = p.getValue();
      if (pkg.equals("alpha")) {
        b.append(channel(pkg, "stable", List.of("1.0.0", "1.1.0", "1.2.0")));
        b.append(channel(pkg, "fast", List.of("1.2.0", "1.3.0")));
      } else {
        b.append(channel(pkg, "stable", vs));
      }
      files.put(pkg, b);
    }
    Map<String, byte[]> layer = new LinkedHashMap<>();
    layer.put("configs/alpha/catalog.json", bytes(files.get("alpha")));
    layer.put("configs/beta/catalog.json", bytes(files.get("beta")));
    layer.put("configs/gamma/catalog.yaml", bytes(yaml(files.get("gamma").toString())));
    layer.put("tmp/cache/pogreb.v1/db", "cache".getBytes(StandardCharsets.UTF_8));
    byte[] opm = TestImages.tarGz(Map.of("bin/opm", TestImages.random(5000, 42)));
    byte[] cat = TestImages.tarGz(layer);
    baseLayer = org.airgap.registry.api.Digest.sha256(opm).toString();
    image =
        images.pushLayers(
            REPO, Optional.of(TAG), Map.of(CatalogImage.CONFIGS_LABEL, "/configs"), opm, cat);
  }

  String ref() {
    return host + "/" + REPO + ":" + TAG;
  }

  private static byte[] bytes(CharSequence s) {
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String obj(String schema, String body) {
    return "{\"schema\":\"" + schema + "\"," + body + "}\n";
  }

  private static String channel(String pkg, String name, List<String> versions) {
    StringBuilder e = new StringBuilder();
    String prev = null;
    for (String v : versions) {
      e.append(e.length() > 0 ? "," : "")
          .append("{\"name\":\"")
          .append(pkg)
          .append(".v")
          .append(v)
          .append('"');
      if (prev != null) {
        e.append(",\"replaces\":\"").append(pkg).append(".v").append(prev).append('"');
      }
      e.append('}');
      prev = v;
    }
    return obj(
        "olm.channel",
        "\"name\":\"" + name + "\",\"package\":\"" + pkg + "\",\"entries\":[" + e + "]");
  }

  /** The same objects as YAML documents (JSON is YAML; one document each). */
  private static String yaml(String jsonStream) {
    StringBuilder b = new StringBuilder();
    for (String line : jsonStream.split("\n")) {
      if (!line.isBlank()) {
        b.append("---\n").append(line).append('\n');
      }
    }
    return b.toString();
  }
}
