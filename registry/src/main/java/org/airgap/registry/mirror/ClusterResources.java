package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.airgap.websrv.io.AtomicFiles;

/**
 * Writes the cluster resources of an {@link ImageSetPlan} mirrored into a target, under oc-mirror
 * v2's names, into {@code RESULTS/working-dir/cluster-resources/}:
 *
 * <pre>
 * cluster-resources/
 * ├── idms-oc-mirror.yaml        ImageDigestMirrorSet: every source repository of a digest reference
 * ├── itms-oc-mirror.yaml        ImageTagMirrorSet: source repositories of tag references (if any)
 * ├── cs-CATALOG-TAG.yaml        one CatalogSource per filtered catalog
 * ├── signature-configmap.yaml   release signature config maps (if signatures were given)
 * └── registries.conf            the digest mirrors for the assisted service's custom-registries
 * </pre>
 *
 * The output depends only on the plan and the target, so a direct run and a disk round trip write
 * the same bytes. Files of an earlier run that this one would not write are removed.
 */
public final class ClusterResources {
  public static final String IDMS = "idms-oc-mirror.yaml";
  public static final String ITMS = "itms-oc-mirror.yaml";
  public static final String SIGNATURES = "signature-configmap.yaml";
  public static final String REGISTRIES_CONF = "registries.conf";

  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

  private ClusterResources() {}

  /** {@code RESULTS/working-dir/cluster-resources}. */
  public static Path dir(Path results) {
    return results.resolve("working-dir").resolve("cluster-resources");
  }

  /** Source repository → mirror repository for each image referenced by digest. */
  public static List<MirrorResources.Mapping> digestMappings(
      ImageSetPlan plan, RegistryTarget target) {
    return mappings(plan, target, true);
  }

  /** Source repository → mirror repository for each image referenced by tag only. */
  public static List<MirrorResources.Mapping> tagMappings(
      ImageSetPlan plan, RegistryTarget target) {
    return mappings(plan, target, false);
  }

  private static List<MirrorResources.Mapping> mappings(
      ImageSetPlan plan, RegistryTarget target, boolean byDigest) {
    Set<String> seen = new LinkedHashSet<>();
    List<MirrorResources.Mapping> out = new ArrayList<>();
    for (String s : plan.images()) {
      ImageRef r = ImageRef.parse(s);
      if (r.digest().isPresent() != byDigest) {
        continue;
      }
      String source = r.registry() + "/" + r.repository();
      if (seen.add(source)) {
        out.add(
            new MirrorResources.Mapping(
                source, target.registry() + "/" + target.repository(r.repository())));
      }
    }
    out.sort(java.util.Comparator.comparing(MirrorResources.Mapping::source));
    return out;
  }

  /** The CatalogSource name of a catalog: {@code cs-REPOBASENAME-TAG}, a DNS label. */
  public static String catalogSourceName(ImageSetPlan.Catalog c) {
    String repo = c.repository();
    String base = repo.substring(repo.lastIndexOf('/') + 1);
    String name = ("cs-" + base + "-" + c.tag()).toLowerCase(Locale.ROOT);
    name = name.replaceAll("[^a-z0-9-]", "-").replaceAll("-+", "-").replaceAll("-$", "");
    return name.length() > 63 ? name.substring(0, 63).replaceAll("-$", "") : name;
  }

  /**
   * Writes the resources into {@code dir} (created if needed); returns the files written, in order.
   */
  public static List<Path> write(Path dir, ImageSetPlan plan, RegistryTarget target) {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      Map<String, String> files = render(plan, target);
      try (DirectoryStream<Path> old = Files.newDirectoryStream(dir)) {
        for (Path p : old) {
          String n = p.getFileName().toString();
          boolean ours =
              n.equals(IDMS)
                  || n.equals(ITMS)
                  || n.equals(SIGNATURES)
                  || n.equals(REGISTRIES_CONF)
                  || (n.startsWith("cs-") && n.endsWith(".yaml"));
          if (ours && !files.containsKey(n)) {
            Files.delete(p);
          }
        }
      }
      for (Map.Entry<String, String> e : files.entrySet()) {
        Path p = dir.resolve(e.getKey());
        AtomicFiles.write(p, e.getValue().getBytes(StandardCharsets.UTF_8), AtomicFiles.PUBLIC);
        written.add(p);
      }
      return written;
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.LOCAL_IO, "cannot write cluster resources in " + dir + ": " + e);
    }
  }

  /** File name → content, without touching the disk. */
  public static Map<String, String> render(ImageSetPlan plan, RegistryTarget target) {
    Map<String, String> files = new java.util.TreeMap<>();
    List<MirrorResources.Mapping> digests = digestMappings(plan, target);
    List<MirrorResources.Mapping> tags = tagMappings(plan, target);
    if (!digests.isEmpty()) {
      files.put(IDMS, yaml(MirrorResources.imageDigestMirrorSet("idms-airgap-mirror", digests)));
      files.put(REGISTRIES_CONF, MirrorResources.registriesConf(digests));
    }
    if (!tags.isEmpty()) {
      files.put(ITMS, yaml(MirrorResources.imageTagMirrorSet("itms-airgap-mirror", tags)));
    }
    for (ImageSetPlan.Catalog c : plan.catalogs()) {
      String name = catalogSourceName(c);
      String image =
          target.registry()
              + "/"
              + target.repository(org.airgap.registry.api.RepoName.parse(c.repository()))
              + ":"
              + c.tag();
      files.put(name + ".yaml", yaml(MirrorResources.catalogSource(name, image)));
    }
    if (!plan.signatures().isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (ImageSetPlan.ReleaseSignatures s : plan.signatures()) {
        b.append("---\n").append(yaml(MirrorResources.signatureConfigMap(s.digest(), s.base64())));
      }
      files.put(SIGNATURES, b.toString());
    }
    return files;
  }

  static String yaml(Object o) {
    try {
      return YAML.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
