package org.airgap.appliance.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code cluster:} the site spec the control module renders and applies (a contract: tests, docs
 * and scripts rely on these keys). What airgap already knows — registry name and CA, web server
 * URLs, BMC address, site domain and addresses — is never asked again.
 *
 * @param pullSecret the Red Hat pull secret; airgap merges its own registry entry in
 * @param sshKey the SSH public key for the nodes
 * @param release an OpenShift version ({@code 4.18.1}) or a pull spec, resolved to a digest in
 *     airgap's registry
 * @param hub the management cluster
 * @param storageClass for AgentServiceConfig volumes and etcd
 * @param ntpSources optional NTP servers for the discovery ISO
 * @param hosted the hosted clusters
 */
public record ClusterSection(
    Path pullSecret,
    Path sshKey,
    String release,
    Hub hub,
    String storageClass,
    List<String> ntpSources,
    List<Hosted> hosted) {

  public ClusterSection {
    ntpSources = ntpSources == null ? List.of() : List.copyOf(ntpSources);
    hosted = hosted == null ? List.of() : List.copyOf(hosted);
    hub = hub == null ? new Hub(null, null) : hub;
  }

  /** The hub: its kubeconfig, and a node address for NodePort services. */
  public record Hub(Path kubeconfig, String nodeAddress) {}

  /**
   * One hosted cluster.
   *
   * @param namespace the HostedCluster's namespace; the control plane's is {@code
   *     <namespace>-<name>}
   * @param api a LoadBalancer (MetalLB) address for the API; omitted: NodePort on the hub node
   * @param ingress the address of {@code *.apps}; omitted: the workers' addresses
   */
  public record Hosted(
      String name,
      String namespace,
      String api,
      String ingress,
      Networking networking,
      Workers workers) {
    public Hosted {
      namespace = namespace == null ? "clusters" : namespace;
      networking = networking == null ? new Networking(null, null) : networking;
      workers = workers == null ? Workers.count(2) : workers;
    }

    public String controlPlaneNamespace() {
      return namespace + "-" + name;
    }
  }

  /** Cluster and service networks; empty: chosen from the site's address families. */
  public record Networking(List<String> cluster, List<String> service) {
    public Networking {
      cluster = cluster == null ? List.of() : List.copyOf(cluster);
      service = service == null ? List.of() : List.copyOf(service);
    }
  }

  /**
   * A VM shape for generated workers.
   *
   * @param disksGib one qcow2 volume per entry, in {@code pool}
   * @param network the libvirt network of the NIC
   * @param pool the libvirt storage pool of the disks
   */
  public record Vm(
      Integer memoryMib, Integer cpus, List<Integer> disksGib, String network, String pool) {
    public Vm {
      memoryMib = memoryMib == null ? 8192 : memoryMib;
      cpus = cpus == null ? 4 : cpus;
      disksGib = disksGib == null ? List.of(120) : List.copyOf(disksGib);
      network = network == null ? "default-site" : network;
      pool = pool == null ? "default" : pool;
    }
  }

  /** An existing VM or a physical host. */
  public record Host(
      String name, String mac, String uuid, String address, String bmc, Path bmcSecret) {}

  /**
   * Workers: {@code {count: 3, vm: {...}}} (VMs {@code <cluster>-worker0..N-1} on this bastion's
   * libvirt), or a list of existing hosts.
   */
  public static final class Workers {
    private static final ObjectMapper M = ConfigLoader.mapper();
    private final int count;
    private final Vm vm;
    private final List<Host> hosts;

    private Workers(int count, Vm vm, List<Host> hosts) {
      this.count = count;
      this.vm = vm;
      this.hosts = hosts;
    }

    public static Workers count(int n) {
      return new Workers(n, new Vm(null, null, null, null, null), List.of());
    }

    /** A count form, or a list of hosts. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Workers of(JsonNode node) {
      try {
        if (node.isArray()) {
          List<Host> hosts = M.readerForListOf(Host.class).readValue(M.treeAsTokens(node));
          return new Workers(hosts.size(), null, List.copyOf(hosts));
        }
        if (node.isObject()) {
          CountForm f = M.treeToValue(node, CountForm.class);
          return new Workers(
              f.count() == null ? 2 : f.count(),
              f.vm() == null ? new Vm(null, null, null, null, null) : f.vm(),
              List.of());
        }
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      throw new IllegalArgumentException("workers: a {count, vm} mapping or a list of hosts");
    }

    record CountForm(Integer count, Vm vm) {}

    public int size() {
      return count;
    }

    /** The VM shape when workers are generated VMs. */
    public Optional<Vm> vm() {
      return Optional.ofNullable(vm);
    }

    /** The hosts when given as a list (empty for generated VMs). */
    public List<Host> hosts() {
      return hosts;
    }

    @JsonValue
    public Object json() {
      return vm != null ? new CountForm(count, vm) : hosts;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Workers w
          && w.count == count
          && java.util.Objects.equals(w.vm, vm)
          && w.hosts.equals(hosts);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(count, vm, hosts);
    }
  }

  void validate(Problems p) {
    if (hosted.isEmpty()) {
      return;
    }
    if (pullSecret == null) {
      p.add("cluster.pull-secret", "is required", "the Red Hat pull secret file (JSON)");
    } else if (!Files.isReadable(pullSecret)) {
      p.add(
          "cluster.pull-secret",
          "cannot read " + pullSecret,
          "the service user must be able to read it");
    }
    if (sshKey != null && !Files.isReadable(sshKey)) {
      p.add("cluster.ssh-key", "cannot read " + sshKey, "the service user must be able to read it");
    }
    if (release == null || release.isBlank()) {
      p.add("cluster.release", "is required", "a version such as 4.18.1, or a pull spec");
    }
    if (hub.kubeconfig() != null && !Files.isReadable(hub.kubeconfig())) {
      p.add("cluster.hub.kubeconfig", "cannot read " + hub.kubeconfig(), "");
    }
    if (hub.nodeAddress() != null) {
      p.check("cluster.hub.node-address", () -> Addresses.literal(hub.nodeAddress()));
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < hosted.size(); i++) {
      Hosted h = hosted.get(i);
      String at = "cluster.hosted[" + i + "]";
      if (h.name() == null || !h.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        p.add(at + ".name", "must be a DNS label (lower case letters, digits, '-')", "");
      } else if (!names.add(h.name())) {
        p.add(at + ".name", "'" + h.name() + "' is used twice", "");
      }
      if (h.api() != null) {
        p.check(at + ".api", () -> Addresses.literal(h.api()));
      }
      if (h.ingress() != null) {
        p.check(at + ".ingress", () -> Addresses.literal(h.ingress()));
      }
      if (h.api() == null && hub.nodeAddress() == null) {
        p.add(
            at + ".api",
            "no API address and no cluster.hub.node-address for a NodePort",
            "give a MetalLB address or the hub node's address");
      }
      h.workers()
          .vm()
          .filter(x -> h.workers().hosts().isEmpty())
          .ifPresent(
              vm -> {
                if (vm.memoryMib() < 512 || vm.cpus() < 1) {
                  p.add(at + ".workers.vm", "needs at least 512 MiB and 1 CPU", "");
                }
                if (vm.disksGib().isEmpty() || vm.disksGib().stream().anyMatch(g -> g < 1)) {
                  p.add(at + ".workers.vm.disks-gib", "one size in GiB (>= 1) per disk", "");
                }
              });
      for (int w = 0; w < h.workers().hosts().size(); w++) {
        Host host = h.workers().hosts().get(w);
        String hat = at + ".workers[" + w + "]";
        if (host.name() == null) {
          p.add(hat + ".name", "is required", "");
        }
        if (host.mac() != null && !host.mac().matches("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}")) {
          p.add(hat + ".mac", "'" + host.mac() + "' is not a MAC address", "aa:bb:cc:dd:ee:ff");
        }
        if (host.bmcSecret() != null && !Files.isReadable(host.bmcSecret())) {
          p.add(hat + ".bmc-secret", "cannot read " + host.bmcSecret(), "");
        }
      }
    }
  }

  /** Every key at its default (no clusters). */
  public static ClusterSection defaults() {
    return new ClusterSection(null, null, null, null, null, null, null);
  }
}
