package org.airgap.appliance.cluster;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds the control module applies or waits for, with their REST plural and scope, so the
 * client never depends on API discovery (which a hub in the middle of an MCE install may not answer
 * yet for every group).
 */
final class Kinds {
  private record Kind(String plural, boolean namespaced) {}

  private static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry("v1/ConfigMap", new Kind("configmaps", true)),
          Map.entry("v1/Secret", new Kind("secrets", true)),
          Map.entry("v1/Namespace", new Kind("namespaces", false)),
          Map.entry("apps/v1/Deployment", new Kind("deployments", true)),
          Map.entry("rbac.authorization.k8s.io/v1/Role", new Kind("roles", true)),
          Map.entry("config.openshift.io/v1/Image", new Kind("images", false)),
          Map.entry(
              "config.openshift.io/v1/ImageDigestMirrorSet",
              new Kind("imagedigestmirrorsets", false)),
          Map.entry(
              "config.openshift.io/v1/ImageTagMirrorSet", new Kind("imagetagmirrorsets", false)),
          Map.entry(
              "machineconfiguration.openshift.io/v1/MachineConfigPool",
              new Kind("machineconfigpools", false)),
          Map.entry(
              "multicluster.openshift.io/v1/MultiClusterEngine",
              new Kind("multiclusterengines", false)),
          Map.entry(
              "agent-install.openshift.io/v1beta1/AgentServiceConfig",
              new Kind("agentserviceconfigs", false)),
          Map.entry("agent-install.openshift.io/v1beta1/InfraEnv", new Kind("infraenvs", true)),
          Map.entry("agent-install.openshift.io/v1beta1/Agent", new Kind("agents", true)),
          Map.entry(
              "hypershift.openshift.io/v1beta1/HostedCluster", new Kind("hostedclusters", true)),
          Map.entry("hypershift.openshift.io/v1beta1/NodePool", new Kind("nodepools", true)),
          Map.entry("metal3.io/v1alpha1/BareMetalHost", new Kind("baremetalhosts", true)),
          Map.entry(
              "operators.coreos.com/v1alpha1/CatalogSource", new Kind("catalogsources", true)));

  private Kinds() {}

  static Optional<ResourceDefinitionContext> context(String apiVersion, String kind) {
    Kind k = KINDS.get(apiVersion + "/" + kind);
    if (k == null) {
      return Optional.empty();
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return Optional.of(
        new ResourceDefinitionContext.Builder()
            .withGroup(group)
            .withVersion(version)
            .withKind(kind)
            .withPlural(k.plural())
            .withNamespaced(k.namespaced())
            .build());
  }

  static ResourceDefinitionContext require(String apiVersion, String kind) {
    return context(apiVersion, kind)
        .orElseThrow(
            () -> new IllegalArgumentException("airgap does not apply " + apiVersion + " " + kind));
  }
}
