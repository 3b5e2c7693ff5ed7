package org.airgap.appliance.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ClusterSection;
import org.airgap.appliance.config.ClusterSection.Host;
import org.airgap.appliance.config.ClusterSection.Hosted;
import org.airgap.registry.mirror.MirrorResources;
import org.airgap.websrv.images.OsImage;
import org.airgap.websrv.io.AtomicFiles;

/**
 * Renders everything the procedure has the operator write by hand, one file per phase in apply
 * order, from the site spec ({@code cluster:}) and what the appliance knows ({@link SiteFacts}):
 *
 * <pre>
 * 00-trust.yaml                  registry-config (host..port keys, | blocks), image.config patch
 * 10-mirror.yaml                 ImageDigestMirrorSet (the mirror's writer)
 * 20-mce.yaml                    MultiClusterEngine, custom-registries, AgentServiceConfig agent
 * 30-hosted-NAME.yaml            namespaces, user-ca-bundle, pull secret, SSH key, etcd key,
 *                                capi-provider-role, HostedCluster (release by digest), NodePool
 * 40-infraenv-NAME.yaml          the pull secret it names, InfraEnv
 * 50-workers-NAME.yaml           BMC secrets and BareMetalHosts (airgap's Redfish URL, the MAC)
 * registries.conf                the mirror's writer again
 * forcedns                       NetworkManager dispatcher that keeps airgap first in resolv.conf
 * dnsmasq.conf                   DNS and DHCP records, for sites that keep their own dnsmasq
 * </pre>
 *
 * Every object carries {@code airgap.io/rendered-hash}, a hash of its content, so apply can skip
 * what did not change.
 */
public final class ClusterRenderer {
  static final String HASH_ANNOTATION = "airgap.io/rendered-hash";
  static final String INFRAENV_LABEL = "infraenvs.agent-install.openshift.io";

  /** One rendered file; secret ones are written 0600. */
  public record Rendered(String file, String content, boolean secret) {}

  private final AirgapConfig cfg;
  private final ClusterSection spec;
  private final SiteFacts facts;
  private final ObjectMapper yaml;

  public ClusterRenderer(AirgapConfig cfg, SiteFacts facts) {
    this.cfg = cfg;
    this.spec = cfg.cluster();
    this.facts = facts;
    this.yaml =
        new ObjectMapper(
            YAMLFactory.builder()
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build());
  }

  public List<Rendered> render() {
    List<Rendered> out = new ArrayList<>();
    List<MirrorResources.Mapping> mirrors =
        MirrorResources.releaseMappings(facts.registryHostPort());
    out.add(yamlFile("00-trust.yaml", false, trust()));
    out.add(
        yamlFile(
            "10-mirror.yaml",
            false,
            List.of(MirrorResources.imageDigestMirrorSet("idms-airgap", mirrors))));
    out.add(yamlFile("20-mce.yaml", false, mce(mirrors)));
    for (Hosted h : spec.hosted()) {
      out.add(yamlFile("30-hosted-" + h.name() + ".yaml", true, hosted(h, mirrors)));
      out.add(yamlFile("40-infraenv-" + h.name() + ".yaml", true, infraEnv(h)));
      out.add(yamlFile("50-workers-" + h.name() + ".yaml", true, workers(h)));
    }
    out.add(new Rendered("registries.conf", MirrorResources.registriesConf(mirrors), false));
    out.add(new Rendered("forcedns", forcedns(), false));
    out.add(new Rendered("dnsmasq.conf", dnsmasq(), false));
    return out;
  }

  /** Writes into {@code dir} (created 0700); secret files 0600, others 0644. */
  public static void write(Path dir, List<Rendered> files) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    for (Rendered r : files) {
      AtomicFiles.writeString(
          dir.resolve(r.file()),
          r.content(),
          r.secret()
              ? AtomicFiles.PRIVATE
              : PosixFilePermissions.fromString(
                  r.file().equals("forcedns") ? "rwxr-xr-x" : "rw-r--r--"));
    }
  }

  // --- phases -------------------------------------------------------------------------------

  private List<Map<String, Object>> trust() {
    String key = facts.registryHostPort().replace(":", "..");
    return List.of(
        object(
            "v1",
            "ConfigMap",
            "registry-config",
            "openshift-config",
            "data",
            Map.of(key, facts.caPem())),
        object(
            "config.openshift.io/v1",
            "Image",
            "cluster",
            null,
            "spec",
            Map.of("additionalTrustedCA", Map.of("name", "registry-config"))));
  }

  private List<Map<String, Object>> mce(List<MirrorResources.Mapping> mirrors) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<Map<String, Object>> components = new ArrayList<>();
    for (String c :
        List.of("assisted-service", "hypershift", "hypershift-local-hosting", "local-cluster")) {
      components.add(ordered("name", c, "enabled", true));
    }
    out.add(
        object(
            "multicluster.openshift.io/v1",
            "MultiClusterEngine",
            "multiclusterengine",
            null,
            "spec",
            Map.of("overrides", Map.of("components", components))));
    Map<String, Object> cm =
        object(
            "v1",
            "ConfigMap",
            "custom-registries",
            "multicluster-engine",
            "data",
            ordered(
                "ca-bundle.crt",
                facts.caPem(),
                "registries.conf",
                MirrorResources.registriesConf(mirrors)));
    label(cm, "app", "assisted-service");
    out.add(cm);
    Map<String, Object> asc = new LinkedHashMap<>();
    asc.put("mirrorRegistryRef", Map.of("name", "custom-registries"));
    asc.put("databaseStorage", volume("10Gi"));
    asc.put("filesystemStorage", volume("20Gi"));
    asc.put("imageStorage", volume("10Gi"));
    List<Map<String, Object>> os = new ArrayList<>();
    for (OsImage o : facts.osImages()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("cpuArchitecture", o.cpuArchitecture());
      e.put("openshiftVersion", o.openshiftVersion());
      e.put("url", facts.imagesBase() + o.isoFile());
      e.put("rootFSUrl", facts.imagesBase() + o.rootfsFile());
      e.put("version", o.version());
      os.add(e);
    }
    asc.put("osImages", os);
    out.add(
        object(
            "agent-install.openshift.io/v1beta1",
            "AgentServiceConfig",
            "agent",
            null,
            "spec",
            asc));
    return out;
  }

  private Map<String, Object> volume(String size) {
    Map<String, Object> v = new LinkedHashMap<>();
    if (spec.storageClass() != null) {
      v.put("storageClassName", spec.storageClass());
    }
    v.put("accessModes", List.of("ReadWriteOnce"));
    v.put("resources", Map.of("requests", Map.of("storage", size)));
    return v;
  }

  private List<Map<String, Object>> hosted(Hosted h, List<MirrorResources.Mapping> mirrors) {
    String ns = h.namespace();
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(object("v1", "Namespace", ns, null, null, null));
    out.add(object("v1", "Namespace", h.controlPlaneNamespace(), null, null, null));
    out.add(
        object(
            "v1",
            "ConfigMap",
            "user-ca-bundle",
            ns,
            "data",
            Map.of("ca-bundle.crt", facts.caPem())));
    out.add(pullSecret(h.name() + "-pull-secret", ns));
    Map<String, Object> ssh =
        object(
            "v1",
            "Secret",
            "sshkey-cluster-" + h.name(),
            ns,
            "data",
            Map.of("id_rsa.pub", b64(facts.sshKey())));
    ssh.put("type", "Opaque");
    out.add(ssh);
    Map<String, Object> etcd =
        object(
            "v1",
            "Secret",
            h.name() + "-etcd-encryption-key",
            ns,
            "data",
            Map.of("key", facts.secrets().etcdKey(h.name())));
    etcd.put("type", "Opaque");
    out.add(etcd);
    Map<String, Object> role =
        object(
            "rbac.authorization.k8s.io/v1",
            "Role",
            "capi-provider-role",
            h.controlPlaneNamespace(),
            null,
            null);
    role.put(
        "rules",
        List.of(
            ordered(
                "apiGroups",
                List.of("agent-install.openshift.io"),
                "resources",
                List.of("agents"),
                "verbs",
                List.of("*"))));
    out.add(role);

    Map<String, Object> s = new LinkedHashMap<>();
    s.put("additionalTrustBundle", Map.of("name", "user-ca-bundle"));
    s.put("olmCatalogPlacement", "guest");
    List<Map<String, Object>> ics = new ArrayList<>();
    for (MirrorResources.Mapping m : mirrors) {
      ics.add(ordered("source", m.source(), "mirrors", List.of(m.mirror())));
    }
    s.put("imageContentSources", ics);
    s.put("controllerAvailabilityPolicy", "SingleReplica");
    s.put("dns", Map.of("baseDomain", cfg.site().domain()));
    s.put(
        "etcd", ordered("managed", Map.of("storage", etcdStorage()), "managementType", "Managed"));
    s.put("fips", false);
    s.put("networking", networking(h));
    s.put(
        "platform",
        ordered("agent", Map.of("agentNamespace", h.controlPlaneNamespace()), "type", "Agent"));
    s.put("pullSecret", Map.of("name", h.name() + "-pull-secret"));
    s.put("release", Map.of("image", facts.releaseImage()));
    s.put(
        "secretEncryption",
        ordered(
            "aescbc",
            Map.of("activeKey", Map.of("name", h.name() + "-etcd-encryption-key")),
            "type",
            "aescbc"));
    List<Map<String, Object>> services = new ArrayList<>();
    services.add(ordered("service", "APIServer", "servicePublishingStrategy", apiPublishing(h)));
    for (String svc : List.of("OAuthServer", "OIDC", "Konnectivity", "Ignition")) {
      services.add(ordered("service", svc, "servicePublishingStrategy", Map.of("type", "Route")));
    }
    s.put("services", services);
    s.put("sshKey", Map.of("name", "sshkey-cluster-" + h.name()));
    Map<String, Object> hc =
        object("hypershift.openshift.io/v1beta1", "HostedCluster", h.name(), ns, "spec", s);
    // the operator of this very release, from this registry (the procedure's disconnected step)
    annotate(
        hc,
        "hypershift.openshift.io/control-plane-operator-image",
        facts.controlPlaneOperatorImage());
    out.add(hc);

    Map<String, Object> np = new LinkedHashMap<>();
    np.put("arch", "amd64");
    np.put("clusterName", h.name());
    np.put("management", ordered("autoRepair", false, "upgradeType", "InPlace"));
    np.put("nodeDrainTimeout", "0s");
    np.put("platform", Map.of("type", "Agent"));
    np.put("release", Map.of("image", facts.releaseImage()));
    np.put("replicas", h.workers().size());
    out.add(object("hypershift.openshift.io/v1beta1", "NodePool", h.name(), ns, "spec", np));
    return out;
  }

  private Map<String, Object> etcdStorage() {
    Map<String, Object> pv = new LinkedHashMap<>();
    if (spec.storageClass() != null) {
      pv.put("storageClassName", spec.storageClass());
    }
    pv.put("size", "8Gi");
    return ordered("persistentVolume", pv, "type", "PersistentVolume");
  }

  private Map<String, Object> apiPublishing(Hosted h) {
    if (h.api() != null) {
      return Map.of("type", "LoadBalancer");
    }
    return ordered("type", "NodePort", "nodePort", Map.of("address", spec.hub().nodeAddress()));
  }

  private Map<String, Object> networking(Hosted h) {
    boolean v4 = cfg.site().inetAddresses().stream().anyMatch(a -> a.getAddress().length == 4);
    boolean v6 = cfg.site().inetAddresses().stream().anyMatch(a -> a.getAddress().length == 16);
    List<String> cluster = h.networking().cluster();
    List<String> service = h.networking().service();
    if (cluster.isEmpty()) {
      cluster = new ArrayList<>();
      if (v4 || !v6) {
        cluster.add("10.132.0.0/14");
      }
      if (v6) {
        cluster.add("fd01::/48");
      }
    }
    if (service.isEmpty()) {
      service = new ArrayList<>();
      if (v4 || !v6) {
        service.add("172.31.0.0/16");
      }
      if (v6) {
        service.add("fd02::/112");
      }
    }
    return ordered(
        "clusterNetwork", cluster.stream().map(c -> Map.of("cidr", c)).toList(),
        "networkType", "OVNKubernetes",
        "serviceNetwork", service.stream().map(c -> Map.of("cidr", c)).toList());
  }

  private List<Map<String, Object>> infraEnv(Hosted h) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("pullSecretRef", Map.of("name", "pull-secret"));
    if (!facts.sshKey().isEmpty()) {
      s.put("sshAuthorizedKey", facts.sshKey());
    }
    if (!spec.ntpSources().isEmpty()) {
      s.put("additionalNTPSources", spec.ntpSources());
    }
    return List.of(
        pullSecret("pull-secret", h.controlPlaneNamespace()),
        object(
            "agent-install.openshift.io/v1beta1",
            "InfraEnv",
            h.name(),
            h.controlPlaneNamespace(),
            "spec",
            s));
  }

  /** A worker as the BMH, the DHCP host and the Redfish system see it. */
  record Worker(
      String name,
      String mac,
      String uuid,
      String address,
      String bmcUrl,
      String bmcUser,
      String bmcPassword) {}

  List<Worker> workerList(Hosted h) {
    List<Worker> out = new ArrayList<>();
    ClusterSecrets.Login bmc = facts.secrets().bmcUser();
    Map<String, Host> given = new LinkedHashMap<>();
    h.workers().hosts().forEach(x -> given.put(x.name(), x));
    for (ClusterFeeds.Machine m : ClusterFeeds.machines(cfg)) {
      if (!m.cluster().equals(h.name())) {
        continue;
      }
      Host host = given.get(m.name());
      String url = host != null && host.bmc() != null ? host.bmc() : redfishUrl(m.uuid());
      String user = bmc.user();
      String pw = bmc.password();
      if (host != null && host.bmcSecret() != null) {
        try {
          String[] up =
              Files.readString(host.bmcSecret(), StandardCharsets.UTF_8).strip().split(":", 2);
          user = up[0];
          pw = up.length > 1 ? up[1] : "";
        } catch (IOException e) {
          throw new java.io.UncheckedIOException("cannot read " + host.bmcSecret(), e);
        }
      }
      String address = m.address().map(Addresses::text).orElse("");
      out.add(new Worker(m.name(), m.mac(), m.uuid(), address, url, user, pw));
    }
    return out;
  }

  private String redfishUrl(String uuid) {
    return "redfish-virtualmedia://" + facts.redfishHostPort() + "/redfish/v1/Systems/" + uuid;
  }

  private List<Map<String, Object>> workers(Hosted h) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Worker w : workerList(h)) {
      Map<String, Object> secret =
          object(
              "v1",
              "Secret",
              w.name() + "-bmc-secret",
              h.controlPlaneNamespace(),
              "data",
              ordered("password", b64(w.bmcPassword()), "username", b64(w.bmcUser())));
      secret.put("type", "Opaque");
      out.add(secret);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("automatedCleaningMode", "disabled");
      s.put(
          "bmc",
          ordered(
              "disableCertificateVerification",
              true,
              "address",
              w.bmcUrl(),
              "credentialsName",
              w.name() + "-bmc-secret"));
      s.put("bootMACAddress", w.mac());
      s.put("online", true);
      Map<String, Object> bmh =
          object(
              "metal3.io/v1alpha1",
              "BareMetalHost",
              w.name(),
              h.controlPlaneNamespace(),
              "spec",
              s);
      label(bmh, INFRAENV_LABEL, h.name());
      annotate(bmh, "inspect.metal3.io", "disabled");
      annotate(bmh, "bmac.agent-install.openshift.io/hostname", w.name());
      out.add(bmh);
    }
    return out;
  }

  private Map<String, Object> pullSecret(String name, String ns) {
    Map<String, Object> o =
        object(
            "v1",
            "Secret",
            name,
            ns,
            "data",
            Map.of(".dockerconfigjson", b64(facts.pullSecretJson())));
    o.put("type", "kubernetes.io/dockerconfigjson");
    return o;
  }

  // --- text files ---------------------------------------------------------------------------

  /** The dispatcher, correct: it tests grep's exit status, not its (empty) output. */
  private String forcedns() {
    String ip = dnsAddress();
    String domain = cfg.site().domain();
    return "#!/bin/bash\n"
        + "# NetworkManager dispatcher (rendered by airgap): keep airgap's DNS first in resolv.conf.\n"
        + "# Install as /etc/NetworkManager/dispatcher.d/forcedns, mode 0755.\n"
        + "IP=\""
        + ip
        + "\"\n"
        + "DOMAIN=\""
        + domain
        + "\"\n"
        + "BASE_RESOLV_CONF=\"/run/NetworkManager/resolv.conf\"\n"
        + "\n"
        + "if ! grep -q \"^nameserver $IP\\$\" /etc/resolv.conf; then\n"
        + "  TMP_FILE=$(mktemp /etc/forcedns_resolv.conf.XXXXXX)\n"
        + "  cp \"$BASE_RESOLV_CONF\" \"$TMP_FILE\"\n"
        + "  chmod --reference=\"$BASE_RESOLV_CONF\" \"$TMP_FILE\"\n"
        + "  sed -i -e \"s/$DOMAIN//\" \\\n"
        + "         -e \"s/search /& $DOMAIN /\" \\\n"
        + "         -e \"0,/nameserver/s/nameserver/& $IP\\n&/\" \"$TMP_FILE\"\n"
        + "  mv \"$TMP_FILE\" /etc/resolv.conf\n"
        + "fi\n"
        + "echo \"ok\"\n";
  }

  private String dnsAddress() {
    List<InetAddress> a = cfg.site().inetAddresses();
    return a.stream()
        .filter(x -> x.getAddress().length == 4)
        .findFirst()
        .or(() -> a.stream().findFirst())
        .map(Addresses::text)
        .orElse("127.0.0.1");
  }

  private String dnsmasq() {
    StringBuilder b = new StringBuilder();
    String domain = cfg.site().domain();
    b.append(
        "# DNS and DHCP records for the hosted clusters (rendered by airgap), dnsmasq syntax.\n");
    b.append("domain=").append(domain).append('\n');
    b.append("local=/").append(domain).append("/\n");
    for (Hosted h : spec.hosted()) {
      String api = h.api() != null ? h.api() : spec.hub().nodeAddress();
      String base = h.name() + "." + domain;
      b.append("host-record=api.").append(base).append(',').append(api).append('\n');
      b.append("host-record=api-int.").append(base).append(',').append(api).append('\n');
      List<Worker> ws = workerList(h);
      if (h.ingress() != null) {
        b.append("address=/apps.").append(base).append('/').append(h.ingress()).append('\n');
      } else {
        for (Worker w : ws) {
          if (!w.address().isEmpty()) {
            b.append("address=/apps.").append(base).append('/').append(w.address()).append('\n');
          }
        }
      }
      for (Worker w : ws) {
        b.append("dhcp-host=").append(w.mac()).append(',').append(w.name());
        if (!w.address().isEmpty()) {
          b.append(',').append(w.address().contains(":") ? "[" + w.address() + "]" : w.address());
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  // --- helpers ------------------------------------------------------------------------------

  private Rendered yamlFile(String name, boolean secret, List<Map<String, Object>> objects) {
    StringBuilder b = new StringBuilder();
    for (Map<String, Object> o : objects) {
      stamp(o);
      try {
        b.append(yaml.writeValueAsString(o));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Rendered(name, b.toString(), secret);
  }

  /** Adds the rendered-hash annotation: SHA-256 of the object as rendered without it. */
  @SuppressWarnings("unchecked")
  private void stamp(Map<String, Object> o) {
    try {
      byte[] content = new ObjectMapper().writeValueAsBytes(o);
      String hash =
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(content))
              .substring(0, 16);
      annotate(o, HASH_ANNOTATION, hash);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> object(
      String apiVersion, String kind, String name, String namespace, String field, Object body) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    o.put("metadata", meta);
    if (field != null) {
      o.put(field, body);
    }
    return o;
  }

  private static void label(Map<String, Object> o, String k, String v) {
    metaMap(o, "labels").put(k, v);
  }

  private static void annotate(Map<String, Object> o, String k, String v) {
    metaMap(o, "annotations").put(k, v);
  }

  /** metadata.labels or metadata.annotations, made mutable and ordered. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> metaMap(Map<String, Object> o, String field) {
    Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) o.get("metadata"));
    o.put("metadata", meta);
    Map<String, Object> m =
        new LinkedHashMap<>((Map<String, Object>) meta.getOrDefault(field, Map.of()));
    meta.put(field, m);
    return m;
  }

  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
