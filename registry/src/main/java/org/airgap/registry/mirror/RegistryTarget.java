package org.airgap.registry.mirror;

import java.util.Optional;
import org.airgap.registry.api.RegistryException;
import org.airgap.registry.api.RepoName;

/**
 * Where images go: {@code REGISTRY[/PREFIX]}. A source repository {@code a/b} lands in {@code
 * PREFIX/a/b} (oc-mirror's layout), so one target holds images of many source registries without
 * clashes as long as their paths differ.
 */
public record RegistryTarget(String registry, Optional<String> prefix) {
  public RegistryTarget {
    prefix.ifPresent(p -> RepoName.parse(p));
  }

  public static RegistryTarget parse(String text) {
    String s = text.strip();
    if (s.startsWith("docker://")) {
      s = s.substring("docker://".length());
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    int slash = s.indexOf('/');
    try {
      return slash < 0
          ? new RegistryTarget(s, Optional.empty())
          : new RegistryTarget(s.substring(0, slash), Optional.of(s.substring(slash + 1)));
    } catch (RegistryException e) {
      throw new MirrorException(
          MirrorException.Kind.USAGE, "bad target '" + text + "': " + e.text(), e);
    }
  }

  /**
   * The target repository of a source repository path. OpenShift's release repositories land where
   * oc-mirror v2 puts them, and where the control module and every procedure's IDMS look for them:
   * {@code openshift-release-dev/ocp-release} (the payloads) in {@code
   * PREFIX/openshift/release-images} and {@code openshift-release-dev/ocp-v4.0-art-dev} (their
   * component images) in {@code PREFIX/openshift/release}.
   */
  public RepoName repository(RepoName source) {
    String path =
        switch (source.value()) {
          case RELEASE_PAYLOADS -> "openshift/release-images";
          case RELEASE_COMPONENTS -> "openshift/release";
          default -> source.value();
        };
    return RepoName.parse(prefix.map(p -> p + "/").orElse("") + path);
  }

  /** The repository path of OpenShift's release payloads on quay.io. */
  public static final String RELEASE_PAYLOADS = "openshift-release-dev/ocp-release";

  /** The repository path of the release payloads' component images on quay.io. */
  public static final String RELEASE_COMPONENTS = "openshift-release-dev/ocp-v4.0-art-dev";

  @Override
  public String toString() {
    return registry + prefix.map(p -> "/" + p).orElse("");
  }
}
