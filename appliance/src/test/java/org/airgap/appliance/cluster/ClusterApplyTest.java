package org.airgap.appliance.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.airgap.appliance.config.AirgapConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code airgap cluster apply} against fabric8's mock API server in CRUD mode, with a small fake
 * controller that advances the status conditions the phases wait for.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterApplyTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  final AtomicBoolean hostedFails = new AtomicBoolean();
  Thread controller;
  volatile boolean stop;

  @BeforeEach
  void hub() {
    for (String pool : List.of("master", "worker")) {
      GenericKubernetesResource mcp = new GenericKubernetesResource();
      mcp.setApiVersion("machineconfiguration.openshift.io/v1");
      mcp.setKind("MachineConfigPool");
      mcp.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(pool).build());
      mcp.setAdditionalProperty(
          "status", Map.of("conditions", List.of(Map.of("type", "Updated", "status", "True"))));
      client
          .genericKubernetesResources(
              ctx("machineconfiguration.openshift.io/v1", "MachineConfigPool"))
          .resource(mcp)
          .createOr(r -> r.update());
    }
    client
        .apps()
        .deployments()
        .inNamespace("hypershift")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("operator")
                .withNamespace("hypershift")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewMetadata()
                .addToAnnotations("a", "b")
                .endMetadata()
                .endTemplate()
                .endSpec()
                .build())
        .createOr(r -> r.update());
    client
        .apps()
        .deployments()
        .inNamespace("multicluster-engine")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("assisted-service")
                .withNamespace("multicluster-engine")
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Available")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .createOr(r -> r.update());
    controller = new Thread(this::reconcileLoop, "fake-controller");
    controller.setDaemon(true);
    controller.start();
  }

  @AfterEach
  void stopController() throws InterruptedException {
    stop = true;
    controller.join(5000);
  }

  static ResourceDefinitionContext ctx(String apiVersion, String kind) {
    return Kinds.require(apiVersion, kind);
  }

  /** What HyperShift, the assisted service and Metal3 would do, just enough for the waits. */
  void reconcileLoop() {
    while (!stop) {
      try {
        setCondition(
            "hypershift.openshift.io/v1beta1",
            "HostedCluster",
            "Available",
            hostedFails.get() ? "False" : "True",
            hostedFails.get() ? "etcd quorum not reached" : "ok");
        setCondition(
            "agent-install.openshift.io/v1beta1", "InfraEnv", "ImageCreated", "True", "ISO ready");
        for (GenericKubernetesResource bmh :
            client
                .genericKubernetesResources(ctx("metal3.io/v1alpha1", "BareMetalHost"))
                .inAnyNamespace()
                .list()
                .getItems()) {
          if (bmh.getAdditionalProperties().get("status") == null) {
            bmh.setAdditionalProperty(
                "status", Map.of("provisioning", Map.of("state", "provisioned")));
            client
                .genericKubernetesResources(ctx("metal3.io/v1alpha1", "BareMetalHost"))
                .inNamespace(bmh.getMetadata().getNamespace())
                .resource(bmh)
                .update();
            GenericKubernetesResource agent = new GenericKubernetesResource();
            agent.setApiVersion("agent-install.openshift.io/v1beta1");
            agent.setKind("Agent");
            agent.setMetadata(
                new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                    .withName(bmh.getMetadata().getName())
                    .withNamespace(bmh.getMetadata().getNamespace())
                    .build());
            agent.setAdditionalProperty(
                "status", Map.of("conditions", List.of(Map.of("type", "Bound", "status", "True"))));
            client
                .genericKubernetesResources(ctx("agent-install.openshift.io/v1beta1", "Agent"))
                .inNamespace(bmh.getMetadata().getNamespace())
                .resource(agent)
                .createOr(r -> r.update());
          }
        }
        for (GenericKubernetesResource np :
            client
                .genericKubernetesResources(ctx("hypershift.openshift.io/v1beta1", "NodePool"))
                .inAnyNamespace()
                .list()
                .getItems()) {
          Object want = ((Map<?, ?>) np.getAdditionalProperties().get("spec")).get("replicas");
          Object have =
              np.getAdditionalProperties().get("status") instanceof Map<?, ?> st
                  ? st.get("replicas")
                  : null;
          if (!String.valueOf(want).equals(String.valueOf(have))) {
            np.setAdditionalProperty("status", Map.of("replicas", want));
            client
                .genericKubernetesResources(ctx("hypershift.openshift.io/v1beta1", "NodePool"))
                .inNamespace(np.getMetadata().getNamespace())
                .resource(np)
                .update();
          }
        }
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // an object changed under us: next round
      }
    }
  }

  void setCondition(String apiVersion, String kind, String type, String status, String message) {
    for (GenericKubernetesResource o :
        client
            .genericKubernetesResources(ctx(apiVersion, kind))
            .inAnyNamespace()
            .list()
            .getItems()) {
      Optional<String> now = ClusterApplier.conditionNot(o, type, status);
      if (now.isPresent() || !message.equals(lastMessage(o))) {
        o.setAdditionalProperty(
            "status",
            Map.of(
                "conditions", List.of(Map.of("type", type, "status", status, "message", message))));
        client
            .genericKubernetesResources(ctx(apiVersion, kind))
            .inNamespace(o.getMetadata().getNamespace())
            .resource(o)
            .update();
      }
    }
  }

  static String lastMessage(GenericKubernetesResource o) {
    Object c = ClusterApplier.nested(o, "status", "conditions");
    if (c instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> m) {
      return String.valueOf(m.get("message"));
    }
    return "";
  }

  static ClusterApplier.Options opts(
      Optional<ClusterApplier.Phase> only, boolean dryRun, int timeoutSeconds) {
    return new ClusterApplier.Options(
        only, dryRun, Duration.ofSeconds(timeoutSeconds), Duration.ofMillis(100));
  }

  List<String> drainRequests() throws InterruptedException {
    List<String> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      out.add(r.getMethod() + " " + r.getPath());
    }
    return out;
  }

  @Test
  void appliesEveryPhaseFailsWithTheConditionAndResumes(@TempDir Path dir) throws Exception {
    AirgapConfig cfg = ClusterRendererTest.site(dir, "dual");
    var files = new ClusterRenderer(cfg, SiteFacts.gather(cfg)).render();
    Path state = dir.resolve("var/state/cluster.json");

    // --phase refuses while earlier phases are not applied
    assertThatThrownBy(
            () ->
                new ClusterApplier(client, files, cfg.cluster(), state, System.out)
                    .apply(opts(Optional.of(ClusterApplier.Phase.HOSTED), false, 5)))
        .hasMessage(
            "phase hosted needs phase trust applied first (airgap cluster apply --phase trust)");

    // a dry run reads and sends no write
    drainRequests();
    ByteArrayOutputStream dry = new ByteArrayOutputStream();
    new ClusterApplier(
            client, files, cfg.cluster(), state, new PrintStream(dry, true, StandardCharsets.UTF_8))
        .apply(opts(Optional.empty(), true, 5));
    assertThat(dry.toString(StandardCharsets.UTF_8))
        .contains("create HostedCluster clusters/hosted-dual (dry run)");
    assertThat(drainRequests()).isNotEmpty().allMatch(r -> r.startsWith("GET "));
    assertThat(state).doesNotExist();

    // the hosted cluster does not become Available: the wait names the object, condition, message
    hostedFails.set(true);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    ClusterApplier a =
        new ClusterApplier(
            client,
            files,
            cfg.cluster(),
            state,
            new PrintStream(first, true, StandardCharsets.UTF_8));
    assertThatThrownBy(() -> a.apply(opts(Optional.empty(), false, 3)))
        .isInstanceOf(ClusterApplier.WaitTimeout.class)
        .hasMessageContaining("waiting for HostedCluster clusters/hosted-dual Available")
        .hasMessageContaining("condition Available is False: etcd quorum not reached");
    assertThat(Files.readString(state))
        .contains("\"trust\"", "\"mirror\"", "\"mce\"")
        .doesNotContain("\"hosted\"");
    assertThat(first.toString(StandardCharsets.UTF_8))
        .contains("restarted deployment hypershift/operator");

    // fixed: the re-run skips what is applied and goes on to the end
    hostedFails.set(false);
    drainRequests();
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    new ClusterApplier(
            client,
            files,
            cfg.cluster(),
            state,
            new PrintStream(second, true, StandardCharsets.UTF_8))
        .apply(opts(Optional.empty(), false, 20));
    String log = second.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains(
            "unchanged ConfigMap openshift-config/registry-config",
            "unchanged AgentServiceConfig agent",
            "create BareMetalHost clusters-hosted-dual/hosted-dual-worker0",
            "phase scale done");
    assertThat(drainRequests())
        .noneMatch(
            r ->
                r.matches("(POST|PATCH|PUT) .*(configmaps/registry-config|agentserviceconfigs).*"));
    assertThat(Files.readString(state)).contains("\"scale\"");

    GenericKubernetesResource bmh =
        client
            .genericKubernetesResources(ctx("metal3.io/v1alpha1", "BareMetalHost"))
            .inNamespace("clusters-hosted-dual")
            .withName("hosted-dual-worker1")
            .get();
    assertThat(ClusterApplier.nested(bmh, "spec", "bootMACAddress"))
        .isEqualTo(Machines.mac("dns.base.domain.name", "hosted-dual-worker1"));
    GenericKubernetesResource np =
        client
            .genericKubernetesResources(ctx("hypershift.openshift.io/v1beta1", "NodePool"))
            .inNamespace("clusters")
            .withName("hosted-dual")
            .get();
    assertThat(String.valueOf(ClusterApplier.nested(np, "spec", "replicas"))).isEqualTo("3");
    // status: every phase applied, objects with their conditions as the hub has them
    ByteArrayOutputStream st = new ByteArrayOutputStream();
    new ClusterApplier(
            client, files, cfg.cluster(), state, new PrintStream(st, true, StandardCharsets.UTF_8))
        .status();
    assertThat(st.toString(StandardCharsets.UTF_8))
        .contains("hosted (applied)", "scale (applied)")
        .containsPattern("HostedCluster clusters/hosted-dual +.*Available=True")
        .containsPattern("InfraEnv clusters-hosted-dual/hosted-dual +.*ImageCreated=True")
        .containsPattern(
            "BareMetalHost clusters-hosted-dual/hosted-dual-worker1 +.* state=provisioned")
        .containsPattern("NodePool clusters/hosted-dual +.* replicas=3");
    // the hosted cluster's admin kubeconfig, from the Secret its status names
    assertThatThrownBy(
            () ->
                new ClusterApplier(client, files, cfg.cluster(), state, System.out)
                    .kubeconfig("hosted-dual"))
        .hasMessageContaining("Secret clusters/hosted-dual-admin-kubeconfig has no kubeconfig yet");
    client
        .secrets()
        .inNamespace("clusters")
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("hosted-dual-admin-kubeconfig")
                .withNamespace("clusters")
                .endMetadata()
                .addToData(
                    "kubeconfig",
                    java.util.Base64.getEncoder()
                        .encodeToString(
                            "apiVersion: v1\nkind: Config\n".getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
    assertThat(
            new String(
                new ClusterApplier(client, files, cfg.cluster(), state, System.out)
                    .kubeconfig("hosted-dual"),
                StandardCharsets.UTF_8))
        .startsWith("apiVersion: v1");
    var op = client.apps().deployments().inNamespace("hypershift").withName("operator").get();
    assertThat(op.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey("kubectl.kubernetes.io/restartedAt");
  }

  /**
   * The workers phase defines the worker VMs on libvirt's in-process {@code test:///default}
   * hypervisor (the URI comes from {@code redfish.libvirt-uri}; its state lives while the test
   * holds a connection): with the site's MAC and UUID, a volume per disk, an empty CD drive, shut
   * off; again, they are kept; the daemon loading the same spec defines none.
   */
  @Test
  void theWorkersPhaseDefinesTheVmsOnlyThereAndKeepsThem(@TempDir Path dir) throws Exception {
    org.libvirt.Connect conn = new org.libvirt.Connect("test:///default", false);
    try {
      ClusterRendererTest.site(dir, "dual");
      Path kubeconfig = dir.resolve("hub.kubeconfig");
      Files.writeString(
          kubeconfig,
          "apiVersion: v1\nkind: Config\nclusters:\n- name: hub\n  cluster:\n    server: "
              + client.getMasterUrl()
              + "\n    insecure-skip-tls-verify: true\ncontexts:\n- name: hub\n  context:\n"
              + "    cluster: hub\n    user: hub\ncurrent-context: hub\nusers:\n- name: hub\n"
              + "  user:\n    token: t\n");
      String yaml =
          ClusterRendererTest.spec(dir, "dual")
                  .replace(
                      "hub: { node-address", "hub: { kubeconfig: " + kubeconfig + ", node-address")
                  .replace(
                      "vm: { memory-mib: 8192, cpus: 4, disks-gib: [200, 200], network: default-site }",
                      "vm: { memory-mib: 2048, cpus: 2, disks-gib: [10, 5], network: default,"
                          + " pool: default-pool }")
              + "registry: { listen: [\"127.0.0.1:0\"] }\n"
              + "websrv: { listen: [\"127.0.0.1:0\"] }\n"
              + "dns: { listen: [\"127.0.0.1:0\"] }\n"
              + "admin: { listen: [\"127.0.0.1:0\"] }\n"
              + "redfish:\n  listen: [\"127.0.0.1:0\"]\n  driver: libvirt\n"
              + "  libvirt-uri: \"test:///default\"\n";
      Path config = Files.writeString(dir.resolve("airgap.yaml"), yaml);
      AirgapConfig cfg = org.airgap.appliance.config.ConfigLoader.parse(yaml, "airgap.yaml");
      List<String> workers =
          List.of("hosted-dual-worker0", "hosted-dual-worker1", "hosted-dual-worker2");

      // the daemon feeds DHCP, DNS and Redfish from the spec, on the same libvirt, and defines none
      try (org.airgap.appliance.Appliance a = new org.airgap.appliance.Appliance(cfg)) {
        a.start();
        assertThat(domains(conn)).doesNotContainAnyElementsOf(workers);
      }

      // the phases before workers are applied
      Files.createDirectories(dir.resolve("var/state"));
      Files.writeString(
          dir.resolve("var/state/cluster.json"),
          "{\"applied\":[\"trust\",\"mirror\",\"mce\",\"hosted\",\"infraenv\"]}");
      var run =
          org.airgap.appliance.cli.CliTest.run(
              "",
              "cluster",
              "apply",
              "--phase",
              "workers",
              "-c",
              config.toString(),
              "--timeout",
              "30");
      assertThat(run.code()).as(run.out() + run.err()).isZero();
      assertThat(run.out())
          .contains(
              "define VM hosted-dual-worker0 (uuid "
                  + Machines.uuid("dns.base.domain.name", "hosted-dual-worker0"))
          .contains("phase workers done");
      assertThat(domains(conn)).containsAll(workers);
      for (String w : workers) {
        org.libvirt.Domain d = conn.domainLookupByName(w);
        try {
          assertThat(d.getUUIDString()).isEqualTo(Machines.uuid("dns.base.domain.name", w));
          assertThat(d.getInfo().state)
              .isEqualTo(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_SHUTOFF);
          assertThat(d.getMaxMemory()).isEqualTo(2048L * 1024);
          assertThat(d.getInfo().nrVirtCpu).isEqualTo(2);
          assertThat(d.getXMLDesc(0))
              .contains("<mac address='" + Machines.mac("dns.base.domain.name", w) + "'/>")
              .contains("<source network='default'/>")
              .contains("<source file='/default-pool/" + w + ".qcow2'/>")
              .contains("<target dev='vda' bus='virtio'/>")
              .contains("<source file='/default-pool/" + w + "-disk1.qcow2'/>")
              .contains("<target dev='vdb' bus='virtio'/>")
              .containsPattern(
                  "(?s)<disk type='file' device='cdrom'>\\s*<driver[^>]*/>\\s*<target");
        } finally {
          d.free();
        }
        assertThat(conn.storageVolLookupByPath("/default-pool/" + w + ".qcow2").getInfo().capacity)
            .isEqualTo(10L << 30);
        assertThat(
                conn.storageVolLookupByPath("/default-pool/" + w + "-disk1.qcow2")
                    .getInfo()
                    .capacity)
            .isEqualTo(5L << 30);
      }
      // the BareMetalHost boots the VM's MAC
      GenericKubernetesResource bmh =
          client
              .genericKubernetesResources(ctx("metal3.io/v1alpha1", "BareMetalHost"))
              .inNamespace("clusters-hosted-dual")
              .withName("hosted-dual-worker2")
              .get();
      assertThat(ClusterApplier.nested(bmh, "spec", "bootMACAddress"))
          .isEqualTo(Machines.mac("dns.base.domain.name", "hosted-dual-worker2"));

      // again: every VM is kept, no volume is added
      int volumes = conn.storagePoolLookupByName("default-pool").listVolumes().length;
      var again =
          org.airgap.appliance.cli.CliTest.run(
              "",
              "cluster",
              "apply",
              "--phase",
              "workers",
              "-c",
              config.toString(),
              "--timeout",
              "30");
      assertThat(again.code()).as(again.out() + again.err()).isZero();
      assertThat(again.out())
          .contains("kept VM hosted-dual-worker0", "kept VM hosted-dual-worker2")
          .doesNotContain("define VM");
      assertThat(conn.storagePoolLookupByName("default-pool").listVolumes()).hasSize(volumes);

      // a foreign domain under a worker's name is named, not overwritten
      org.libvirt.Domain w1 = conn.domainLookupByName("hosted-dual-worker1");
      w1.undefine();
      w1.free();
      conn.domainDefineXML(
              "<domain type='test'><name>hosted-dual-worker1</name>"
                  + "<uuid>0b4ef4a3-6bd8-4f5e-9d1b-6bd2a8e5e0c1</uuid><memory>65536</memory>"
                  + "<os><type>hvm</type></os></domain>")
          .free();
      var clash =
          org.airgap.appliance.cli.CliTest.run(
              "",
              "cluster",
              "apply",
              "--phase",
              "workers",
              "-c",
              config.toString(),
              "--timeout",
              "30");
      assertThat(clash.code()).isNotZero();
      assertThat(clash.err())
          .contains(
              "a VM named hosted-dual-worker1 exists on test:///default with uuid"
                  + " 0b4ef4a3-6bd8-4f5e-9d1b-6bd2a8e5e0c1");
    } finally {
      for (org.libvirt.Domain d : conn.listAllDomains(0)) {
        if (d.getName().startsWith("hosted-dual-worker")) {
          if (d.isActive() == 1) {
            d.destroy();
          }
          d.undefine();
        }
        d.free();
      }
      for (String v : conn.storagePoolLookupByName("default-pool").listVolumes()) {
        conn.storageVolLookupByPath("/default-pool/" + v).delete(0);
      }
      conn.close();
    }
  }

  static List<String> domains(org.libvirt.Connect conn) throws org.libvirt.LibvirtException {
    List<String> out = new ArrayList<>();
    for (org.libvirt.Domain d : conn.listAllDomains(0)) {
      out.add(d.getName());
      d.free();
    }
    return out;
  }
}
