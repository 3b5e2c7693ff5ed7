package org.airgap.appliance.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.airgap.appliance.config.ClusterSection;
import org.airgap.appliance.config.ClusterSection.Hosted;
import org.airgap.websrv.io.AtomicFiles;

/**
 * {@code airgap cluster apply}: the phases trust, mirror, mce, hosted, infraenv, workers, scale in
 * order, each rendered → validated → applied → waited for. Apply creates what is absent, else sends
 * a JSON merge patch with field manager {@code airgap}; an object whose {@code
 * airgap.io/rendered-hash} matches the live one is skipped, so re-running is safe and a failed run
 * resumes where it stopped. Applied phases are recorded in {@code <data-dir>/state/cluster.json};
 * {@code --phase P} runs only P and refuses while an earlier phase is not applied. {@code
 * --dry-run} is client-side: it reads, and prints what it would create or patch, sending no write.
 * The workers phase first defines the worker VMs on the bastion's libvirt ({@link WorkerVms}).
 */
public final class ClusterApplier {
  /** The phases in order, with the file prefix of each rendered phase. */
  public enum Phase {
    TRUST("00-trust"),
    MIRROR("10-mirror"),
    MCE("20-mce"),
    HOSTED("30-hosted"),
    INFRAENV("40-infraenv"),
    WORKERS("50-workers"),
    SCALE("");

    final String prefix;

    Phase(String prefix) {
      this.prefix = prefix;
    }

    public String label() {
      return name().toLowerCase();
    }

    public static Phase parse(String s) {
      for (Phase p : values()) {
        if (p.label().equals(s)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "unknown phase '" + s + "': trust, mirror, mce, hosted, infraenv, workers, scale");
    }
  }

  /** How apply runs. */
  public record Options(Optional<Phase> only, boolean dryRun, Duration timeout, Duration poll) {}

  /** A wait ran out: the object, the condition, and its last message. */
  public static final class WaitTimeout extends RuntimeException {
    public WaitTimeout(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIELD_MANAGER = "airgap";

  private final KubernetesClient hub;
  private final List<ClusterRenderer.Rendered> files;
  private final ClusterSection spec;
  private final Path stateFile;
  private final PrintStream out;
  private final Provisioner machines;

  /**
   * What the workers phase makes before it applies its objects: the worker VMs ({@link
   * WorkerVms#ensure}); with {@code dryRun} it only says what it would make.
   */
  @FunctionalInterface
  public interface Provisioner {
    Provisioner NONE = (dryRun, out) -> {};

    void ensure(boolean dryRun, PrintStream out);
  }

  /** An applier whose workers phase makes no machines (they exist, or a test has none). */
  public ClusterApplier(
      KubernetesClient hub,
      List<ClusterRenderer.Rendered> files,
      ClusterSection spec,
      Path stateFile,
      PrintStream out) {
    this(hub, files, spec, stateFile, out, Provisioner.NONE);
  }

  public ClusterApplier(
      KubernetesClient hub,
      List<ClusterRenderer.Rendered> files,
      ClusterSection spec,
      Path stateFile,
      PrintStream out,
      Provisioner machines) {
    this.hub = hub;
    this.files = files;
    this.spec = spec;
    this.stateFile = stateFile;
    this.out = out;
    this.machines = machines;
  }

  public void apply(Options o) {
    Set<String> applied = readState();
    if (o.only().isPresent()) {
      Phase p = o.only().get();
      for (Phase earlier : Phase.values()) {
        if (earlier == p) {
          break;
        }
        if (!applied.contains(earlier.label())) {
          throw new IllegalStateException(
              "phase "
                  + p.label()
                  + " needs phase "
                  + earlier.label()
                  + " applied first (airgap cluster apply --phase "
                  + earlier.label()
                  + ")");
        }
      }
    }
    for (Phase p : Phase.values()) {
      if (o.only().isPresent() && o.only().get() != p) {
        continue;
      }
      out.println("== phase " + p.label());
      if (p == Phase.WORKERS) {
        machines.ensure(o.dryRun(), out);
      }
      for (ObjectNode obj : objects(p)) {
        applyOne(obj, o.dryRun());
      }
      if (p == Phase.SCALE) {
        scale(o);
      }
      if (o.dryRun()) {
        continue;
      }
      await(p, o);
      applied.add(p.label());
      writeState(applied);
      out.println("   phase " + p.label() + " done");
    }
  }

  /**
   * {@code airgap cluster status}: per phase, whether it is applied, and each object as the hub has
   * it — present or absent, its conditions, its age.
   */
  public void status() {
    Set<String> applied = readState();
    Instant now = Instant.now();
    for (Phase p : Phase.values()) {
      out.println(p.label() + (applied.contains(p.label()) ? " (applied)" : " (pending)"));
      for (ObjectNode obj : objects(p)) {
        GenericKubernetesResource live = resource(obj).get();
        StringBuilder line = new StringBuilder(String.format("  %-60s", describe(obj)));
        if (live == null) {
          line.append(" absent");
        } else {
          String created = live.getMetadata().getCreationTimestamp();
          if (created != null) {
            try {
              line.append(" age ")
                  .append(Duration.between(Instant.parse(created), now).toMinutes())
                  .append("m");
            } catch (RuntimeException e) {
              line.append(" age ?");
            }
          } else {
            line.append(" present");
          }
          // what `oc get` shows for the kinds without conditions: a BareMetalHost's
          // provisioning state and power, a NodePool's replicas
          appendStatus(line, "state", nested(live, "status", "provisioning", "state"));
          appendStatus(line, "poweredOn", nested(live, "status", "poweredOn"));
          appendStatus(line, "replicas", nested(live, "status", "replicas"));
          if (nested(live, "status", "conditions") instanceof List<?> conds) {
            for (Object c : conds) {
              if (c instanceof Map<?, ?> m) {
                line.append(' ').append(m.get("type")).append('=').append(m.get("status"));
              }
            }
          }
        }
        out.println(line);
      }
    }
  }

  private static void appendStatus(StringBuilder line, String name, Object value) {
    if (value != null && !(value instanceof Map) && !(value instanceof List)) {
      line.append(' ').append(name).append('=').append(value);
    }
  }

  /**
   * {@code airgap cluster kubeconfig NAME}: the hosted cluster's admin kubeconfig, from the Secret
   * its HostedCluster names in {@code status.kubeconfig} (default {@code NAME-admin-kubeconfig}).
   */
  public byte[] kubeconfig(String name) {
    Hosted h =
        spec.hosted().stream()
            .filter(x -> x.name().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no hosted cluster '" + name + "' in cluster.hosted"));
    GenericKubernetesResource hc =
        hub.genericKubernetesResources(
                Kinds.require("hypershift.openshift.io/v1beta1", "HostedCluster"))
            .inNamespace(h.namespace())
            .withName(name)
            .get();
    Object secretName = hc == null ? null : nested(hc, "status", "kubeconfig", "name");
    String secret = secretName != null ? secretName.toString() : name + "-admin-kubeconfig";
    var s = hub.secrets().inNamespace(h.namespace()).withName(secret).get();
    if (s == null || s.getData() == null || !s.getData().containsKey("kubeconfig")) {
      throw new IllegalStateException(
          "Secret "
              + h.namespace()
              + "/"
              + secret
              + " has no kubeconfig yet (is HostedCluster "
              + name
              + " Available?)");
    }
    return java.util.Base64.getDecoder().decode(s.getData().get("kubeconfig"));
  }

  // --- objects ------------------------------------------------------------------------------

  /** {@code Kind namespace/name} of every object phase {@code p} applies, for status views. */
  public static List<String> describeObjects(List<ClusterRenderer.Rendered> files, Phase p) {
    return new ClusterApplier(null, files, null, null, null)
        .objects(p).stream().map(ClusterApplier::describe).toList();
  }

  List<ObjectNode> objects(Phase p) {
    List<ObjectNode> out = new ArrayList<>();
    if (p.prefix.isEmpty()) {
      return out;
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    for (ClusterRenderer.Rendered r : files) {
      if (!r.file().startsWith(p.prefix) || !r.file().endsWith(".yaml")) {
        continue;
      }
      try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(r.content())) {
        while (it.hasNextValue()) {
          JsonNode n = it.nextValue();
          if (n instanceof ObjectNode on) {
            out.add(on);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private Resource<GenericKubernetesResource> resource(ObjectNode obj) {
    ResourceDefinitionContext ctx =
        Kinds.require(obj.path("apiVersion").asText(), obj.path("kind").asText());
    String ns = obj.path("metadata").path("namespace").asText("");
    String name = obj.path("metadata").path("name").asText();
    NonNamespaceOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> op =
        ctx.isNamespaceScoped()
            ? hub.genericKubernetesResources(ctx).inNamespace(ns)
            : hub.genericKubernetesResources(ctx);
    return op.withName(name);
  }

  private void applyOne(ObjectNode obj, boolean dryRun) {
    String what = describe(obj);
    Resource<GenericKubernetesResource> r = resource(obj);
    GenericKubernetesResource live = r.get();
    String hash =
        obj.path("metadata").path("annotations").path(ClusterRenderer.HASH_ANNOTATION).asText("");
    if (live == null) {
      out.println("   create " + what + (dryRun ? " (dry run)" : ""));
      if (!dryRun) {
        r.create(JSON.convertValue(obj, GenericKubernetesResource.class));
      }
      return;
    }
    Map<String, String> ann = live.getMetadata().getAnnotations();
    if (ann != null && hash.equals(ann.get(ClusterRenderer.HASH_ANNOTATION))) {
      out.println("   unchanged " + what);
      return;
    }
    out.println("   patch " + what + (dryRun ? " (dry run)" : ""));
    if (dryRun) {
      out.println("     " + diff(JSON.valueToTree(live), obj));
      return;
    }
    try {
      r.patch(mergePatch(), JSON.writeValueAsString(obj));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PatchContext mergePatch() {
    PatchContext p = PatchContext.of(PatchType.JSON_MERGE);
    p.setFieldManager(FIELD_MANAGER);
    return p;
  }

  /** The top-level fields a merge patch would change, for a dry run. */
  static String diff(JsonNode live, JsonNode wanted) {
    List<String> changed = new ArrayList<>();
    wanted
        .fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("metadata") && !wanted.get(f).equals(live.get(f))) {
                changed.add(f);
              }
            });
    return changed.isEmpty() ? "only annotations differ" : "changes " + String.join(", ", changed);
  }

  private static String describe(ObjectNode obj) {
    String ns = obj.path("metadata").path("namespace").asText("");
    return obj.path("kind").asText()
        + " "
        + (ns.isEmpty() ? "" : ns + "/")
        + obj.path("metadata").path("name").asText();
  }

  // --- waits --------------------------------------------------------------------------------

  private void await(Phase p, Options o) {
    switch (p) {
      case MIRROR -> {
        waitFor(
            "every MachineConfigPool Updated",
            o,
            () -> {
              var pools =
                  hub.genericKubernetesResources(
                          Kinds.require(
                              "machineconfiguration.openshift.io/v1", "MachineConfigPool"))
                      .list()
                      .getItems();
              for (GenericKubernetesResource pool : pools) {
                Optional<String> bad = conditionNot(pool, "Updated", "True");
                if (bad.isPresent()) {
                  return Optional.of(
                      "MachineConfigPool " + pool.getMetadata().getName() + ": " + bad.get());
                }
              }
              return Optional.empty();
            });
        // the HyperShift operator reads IDMS only at start
        var op = hub.apps().deployments().inNamespace("hypershift").withName("operator");
        if (op.get() != null) {
          op.edit(
              d -> {
                d.getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getAnnotations()
                    .put("kubectl.kubernetes.io/restartedAt", Instant.now().toString());
                return d;
              });
          out.println("   restarted deployment hypershift/operator");
        }
      }
      case MCE ->
          waitFor(
              "deployment multicluster-engine/assisted-service Available",
              o,
              () ->
                  condition(
                      "apps/v1",
                      "Deployment",
                      "multicluster-engine",
                      "assisted-service",
                      "Available"));
      case HOSTED -> {
        for (Hosted h : spec.hosted()) {
          waitFor(
              "HostedCluster " + h.namespace() + "/" + h.name() + " Available",
              o,
              () ->
                  condition(
                      "hypershift.openshift.io/v1beta1",
                      "HostedCluster",
                      h.namespace(),
                      h.name(),
                      "Available"));
        }
      }
      case INFRAENV -> {
        for (Hosted h : spec.hosted()) {
          waitFor(
              "InfraEnv " + h.controlPlaneNamespace() + "/" + h.name() + " ImageCreated",
              o,
              () ->
                  condition(
                      "agent-install.openshift.io/v1beta1",
                      "InfraEnv",
                      h.controlPlaneNamespace(),
                      h.name(),
                      "ImageCreated"));
        }
      }
      case WORKERS -> {
        for (Hosted h : spec.hosted()) {
          waitFor(
              h.workers().size() + " BareMetalHosts provisioned in " + h.controlPlaneNamespace(),
              o,
              () -> {
                for (ObjectNode bmh : objects(Phase.WORKERS)) {
                  if (!bmh.path("kind").asText().equals("BareMetalHost")
                      || !bmh.path("metadata")
                          .path("namespace")
                          .asText()
                          .equals(h.controlPlaneNamespace())) {
                    continue;
                  }
                  GenericKubernetesResource live = resource(bmh).get();
                  String state =
                      live == null
                          ? "absent"
                          : String.valueOf(nested(live, "status", "provisioning", "state"));
                  if (!"provisioned".equals(state)) {
                    return Optional.of("BareMetalHost " + describe(bmh) + " is " + state);
                  }
                }
                long bound = boundAgents(h);
                return bound >= h.workers().size()
                    ? Optional.empty()
                    : Optional.of(bound + " of " + h.workers().size() + " Agents bound");
              });
        }
      }
      case SCALE -> {
        for (Hosted h : spec.hosted()) {
          waitFor(
              "NodePool " + h.namespace() + "/" + h.name() + " nodes ready",
              o,
              () -> {
                GenericKubernetesResource np =
                    hub.genericKubernetesResources(
                            Kinds.require("hypershift.openshift.io/v1beta1", "NodePool"))
                        .inNamespace(h.namespace())
                        .withName(h.name())
                        .get();
                if (np == null) {
                  return Optional.of("NodePool absent");
                }
                Object want = nested(np, "spec", "replicas");
                Object have = nested(np, "status", "replicas");
                return String.valueOf(want).equals(String.valueOf(have))
                    ? Optional.empty()
                    : Optional.of("NodePool has " + have + " of " + want + " nodes ready");
              });
        }
      }
      default -> {}
    }
  }

  /** scale: NodePool replicas = bound Agents. */
  private void scale(Options o) {
    for (Hosted h : spec.hosted()) {
      long bound = boundAgents(h);
      out.println(
          "   scale NodePool "
              + h.namespace()
              + "/"
              + h.name()
              + " to "
              + bound
              + (o.dryRun() ? " (dry run)" : ""));
      if (!o.dryRun()) {
        hub.genericKubernetesResources(Kinds.require("hypershift.openshift.io/v1beta1", "NodePool"))
            .inNamespace(h.namespace())
            .withName(h.name())
            .patch(mergePatch(), "{\"spec\":{\"replicas\":" + bound + "}}");
      }
    }
  }

  private long boundAgents(Hosted h) {
    return hub
        .genericKubernetesResources(Kinds.require("agent-install.openshift.io/v1beta1", "Agent"))
        .inNamespace(h.controlPlaneNamespace())
        .list()
        .getItems()
        .stream()
        .filter(a -> conditionNot(a, "Bound", "True").isEmpty())
        .count();
  }

  private Optional<String> condition(
      String apiVersion, String kind, String ns, String name, String type) {
    ResourceDefinitionContext ctx = Kinds.require(apiVersion, kind);
    GenericKubernetesResource o =
        hub.genericKubernetesResources(ctx).inNamespace(ns).withName(name).get();
    if (o == null) {
      return Optional.of(kind + " " + ns + "/" + name + " is absent");
    }
    return conditionNot(o, type, "True").map(m -> kind + " " + ns + "/" + name + ": " + m);
  }

  /** Empty when condition {@code type} has {@code status}; else what it says instead. */
  @SuppressWarnings("unchecked")
  static Optional<String> conditionNot(GenericKubernetesResource o, String type, String status) {
    Object conds = nested(o, "status", "conditions");
    if (conds instanceof List<?> list) {
      for (Object c : list) {
        if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
          if (status.equals(String.valueOf(m.get("status")))) {
            return Optional.empty();
          }
          return Optional.of(
              "condition "
                  + type
                  + " is "
                  + m.get("status")
                  + (m.get("message") != null ? ": " + m.get("message") : ""));
        }
      }
    }
    return Optional.of("condition " + type + " not reported yet");
  }

  @SuppressWarnings("unchecked")
  static Object nested(GenericKubernetesResource o, String... path) {
    Object cur = o.getAdditionalProperties();
    for (String p : path) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(p);
    }
    return cur;
  }

  private void waitFor(String what, Options o, Supplier<Optional<String>> check) {
    Instant deadline = Instant.now().plus(o.timeout());
    String last = "";
    while (true) {
      Optional<String> problem = check.get();
      if (problem.isEmpty()) {
        out.println("   ready: " + what);
        return;
      }
      last = problem.get();
      if (Instant.now().isAfter(deadline)) {
        throw new WaitTimeout(
            "timed out after " + o.timeout().toSeconds() + " s waiting for " + what + ": " + last);
      }
      try {
        Thread.sleep(o.poll().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WaitTimeout("interrupted waiting for " + what + ": " + last);
      }
    }
  }

  // --- state --------------------------------------------------------------------------------

  private Set<String> readState() {
    try {
      if (!Files.exists(stateFile)) {
        return new LinkedHashSet<>();
      }
      Set<String> s = new LinkedHashSet<>();
      JSON.readTree(stateFile.toFile()).path("applied").forEach(n -> s.add(n.asText()));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stateFile + ": " + e.getMessage(), e);
    }
  }

  private void writeState(Set<String> applied) {
    try {
      ObjectNode n = JSON.createObjectNode();
      n.putPOJO("applied", applied);
      n.put("updated", Instant.now().toString());
      AtomicFiles.write(
          stateFile,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n),
          AtomicFiles.PUBLIC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + stateFile + ": " + e.getMessage(), e);
    }
  }
}
