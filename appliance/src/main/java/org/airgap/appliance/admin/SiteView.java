package org.airgap.appliance.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.Version;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.services.ApplianceContext;
import org.airgap.appliance.services.DhcpUnit;
import org.airgap.appliance.services.DnsUnit;
import org.airgap.appliance.services.ManagedService;
import org.airgap.appliance.services.RedfishUnit;
import org.airgap.appliance.services.RegistryUnit;
import org.airgap.appliance.services.ServiceState;
import org.airgap.dhcp.Lease;
import org.airgap.dhcp.StaticHost;
import org.airgap.dhcp.v6.Lease6;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.Upstream;
import org.airgap.dns.dnsmasq.DnsmasqConfig;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.airgap.redfish.driver.MachineDriver;
import org.airgap.redfish.driver.MachineState;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Manifest;
import org.airgap.registry.api.Reference;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;
import org.airgap.registry.storage.RepositoryStore;
import org.airgap.registry.storage.StorageLayout;
import org.airgap.websrv.images.CatalogEntry;
import org.airgap.websrv.images.ImageCatalog;

/**
 * Read-only snapshots of the site for the JSON API ({@code /api/*}): each method reads the
 * services' own state (registry storage, the images catalog, the DNS config, the machine driver,
 * the mirror CLI's progress files) and returns the JSON one endpoint serves. The schemas under
 * {@code schemas/api/} describe each answer.
 */
final class SiteView {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A certificate this close to expiry raises a banner. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  /** Disk use above this share of the data dir's file system raises a banner. */
  static final double DISK_WARNING = 0.90;

  private final ApplianceContext ctx;
  private final Appliance appliance;
  private final QueryRate dnsRate = new QueryRate();

  SiteView(ApplianceContext ctx, Appliance appliance) {
    this.ctx = ctx;
    this.appliance = appliance;
  }

  private ApplianceContext ctx() {
    ApplianceContext c = appliance.context();
    return c != null ? c : ctx;
  }

  private Optional<ManagedService> running(String name) {
    return appliance.services().stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> appliance.state(name) == ServiceState.RUNNING)
        .findFirst();
  }

  private String state(String name) {
    boolean configured = appliance.services().stream().anyMatch(s -> s.name().equals(name));
    return configured ? appliance.state(name).name().toLowerCase() : "off";
  }

  // ---- /api/status -----------------------------------------------------------------------

  /** Version, uptime, site, CA, certificates, disk, banners and every service. */
  ObjectNode status() {
    ApplianceContext c = ctx();
    ObjectNode out = JSON.createObjectNode();
    out.put("version", Version.current());
    out.put("started", appliance.created().toString());
    out.put("uptimeSeconds", Duration.between(appliance.created(), Instant.now()).toSeconds());
    out.put("ready", appliance.ready());
    out.put("dataDir", c.dataDir().toAbsolutePath().toString());
    ObjectNode site = out.putObject("site");
    site.put("domain", c.config().site().domain());
    site.put("hostname", c.config().site().hostname());
    ArrayNode addrs = site.putArray("addresses");
    c.config().site().addresses().forEach(a -> addrs.add(String.valueOf(a)));
    ObjectNode ca = out.putObject("ca");
    ca.put("file", c.pki().caFile().toAbsolutePath().toString());
    ca.put("sha256", c.pki().caFingerprint());

    List<String> warnings = new ArrayList<>();
    ArrayNode certs = out.putArray("certificates");
    Instant now = Instant.now();
    for (Map.Entry<String, Instant> e : c.pki().expiries().entrySet()) {
      ObjectNode n = certs.addObject();
      n.put("name", e.getKey());
      n.put("notAfter", e.getValue().toString());
      long days = Duration.between(now, e.getValue()).toDays();
      n.put("daysLeft", days);
      if (e.getValue().isBefore(now.plus(EXPIRY_WARNING))) {
        warnings.add(
            "certificate " + e.getKey() + " expires " + e.getValue() + " (in " + days + " days)");
      }
    }
    ObjectNode disk = out.putObject("disk");
    disk.put("path", c.dataDir().toAbsolutePath().toString());
    try {
      FileStore fs = Files.getFileStore(c.dataDir());
      long total = fs.getTotalSpace();
      long free = fs.getUsableSpace();
      disk.put("totalBytes", total);
      disk.put("freeBytes", free);
      double used = total == 0 ? 0 : (double) (total - free) / total;
      disk.put("usedPercent", Math.round(used * 1000) / 10.0);
      if (used > DISK_WARNING) {
        warnings.add("disk of " + c.dataDir() + " is " + Math.round(used * 100) + " % full");
      }
    } catch (IOException e) {
      disk.put("error", e.getMessage());
    }

    ArrayNode services = out.putArray("services");
    for (ManagedService s : appliance.services()) {
      ObjectNode m = services.addObject();
      ServiceState st = appliance.state(s.name());
      m.put("name", s.name());
      m.put("state", st.name().toLowerCase());
      boolean run = st == ServiceState.RUNNING;
      ArrayNode a = m.putArray("addresses");
      ArrayNode u = m.putArray("urls");
      if (run) {
        s.addresses().forEach(x -> a.add(text(x)));
        s.urls().forEach(u::add);
      }
      m.set("counters", JSON.valueToTree(s.counters()));
      String err = appliance.error(s.name());
      if (!err.isEmpty()) {
        m.put("error", err);
      }
      if (st == ServiceState.FAILED) {
        warnings.add(s.name() + " failed" + (err.isEmpty() ? "" : ": " + err));
      }
    }
    ArrayNode w = out.putArray("warnings");
    warnings.forEach(w::add);
    return out;
  }

  static String text(InetSocketAddress a) {
    return Addresses.hostPort(Addresses.text(a.getAddress()), a.getPort());
  }

  // ---- /api/registry ---------------------------------------------------------------------

  /** Repositories with tags, digests, sizes and last push; the mirror CLI's runs. */
  ObjectNode registry() throws IOException {
    ApplianceContext c = ctx();
    ObjectNode out = JSON.createObjectNode();
    out.put("enabled", c.config().registry().enabled());
    out.put("state", state("registry"));
    Optional<ManagedService> unit = running("registry");
    out.put("hostPort", unit.map(u -> ((RegistryUnit) u).hostPort()).orElse(""));
    ArrayNode repos = out.putArray("repositories");
    Path root = c.dataDir().resolve("registry");
    long tagCount = 0;
    Optional<RepositoryStore> served = unit.flatMap(u -> ((RegistryUnit) u).store());
    if (served.isPresent() || Files.isDirectory(root)) {
      RepositoryStore store = served.orElseGet(() -> RepositoryStore.onFiles(root));
      for (String name : store.repositories()) {
        RepoName repo = RepoName.parse(name);
        ObjectNode r = repos.addObject();
        r.put("name", name);
        ArrayNode tags = r.putArray("tags");
        Instant last = null;
        for (String t : store.tags(repo)) {
          Tag tag = Tag.parse(t);
          Optional<RepositoryStore.StoredManifest> m =
              store.manifest(repo, new Reference.ByTag(tag));
          if (m.isEmpty()) {
            continue;
          }
          ObjectNode tn = tags.addObject();
          tn.put("tag", t);
          tn.put("digest", m.get().digest().toString());
          tn.put("mediaType", m.get().mediaType());
          tn.put("size", imageSize(m.get()));
          Optional<Instant> pushed = modified(root.resolve(StorageLayout.tag(repo, tag)));
          pushed.ifPresent(p -> tn.put("pushed", p.toString()));
          if (pushed.isPresent() && (last == null || pushed.get().isAfter(last))) {
            last = pushed.get();
          }
          tagCount++;
        }
        if (last != null) {
          r.put("lastPush", last.toString());
        }
      }
    }
    out.put("tagCount", tagCount);
    out.set("mirror", mirror(c.dataDir().resolve("state").resolve("mirror")));
    return out;
  }

  /** The manifest's bytes plus what it references (layers and config, or child manifests). */
  private static long imageSize(RepositoryStore.StoredManifest m) {
    long size = m.bytes().length;
    try {
      Manifest parsed = Manifest.parse(Optional.of(m.mediaType()), m.bytes());
      for (Descriptor d : parsed.blobs()) {
        size += d.size();
      }
      for (Descriptor d : parsed.manifests()) {
        size += d.size();
      }
    } catch (RuntimeException e) {
      // stored but not parseable: its own bytes only
    }
    return size;
  }

  private static Optional<Instant> modified(Path p) {
    try {
      return Optional.of(Files.getLastModifiedTime(p).toInstant());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Whatever JSON files the mirror CLI published under {@code state/mirror/}, newest first, each as
   * {@code {file, modified, data}} ({@code error} instead of {@code data} when unreadable).
   */
  static ArrayNode mirror(Path dir) {
    ArrayNode runs = JSON.createArrayNode();
    if (!Files.isDirectory(dir)) {
      return runs;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(Files::isRegularFile)
              .sorted(
                  Comparator.comparing((Path p) -> modified(p).orElse(Instant.EPOCH)).reversed())
              .toList();
    } catch (IOException e) {
      return runs;
    }
    for (Path f : files) {
      ObjectNode n = runs.addObject();
      n.put("file", f.getFileName().toString());
      modified(f).ifPresent(m -> n.put("modified", m.toString()));
      try {
        n.set("data", JSON.readTree(f.toFile()));
      } catch (NoSuchFileException e) {
        runs.remove(runs.size() - 1); // renamed away between list and read
      } catch (IOException e) {
        n.put("error", "cannot read: " + e.getMessage());
      }
    }
    return runs;
  }

  // ---- /api/images -----------------------------------------------------------------------

  /** The RHCOS artifacts the web server serves, with versions, checksums and sizes. */
  ObjectNode images() {
    ApplianceContext c = ctx();
    ObjectNode out = JSON.createObjectNode();
    out.put("enabled", c.config().websrv().enabled());
    out.put("state", state("websrv"));
    Optional<ManagedService> unit = running("websrv");
    String base = unit.flatMap(u -> u.urls().stream().findFirst()).orElse("");
    out.put("baseUrl", base);
    out.set("counters", JSON.valueToTree(unit.map(ManagedService::counters).orElse(Map.of())));
    Path dir = c.config().websrvRoot().resolve("images");
    ArrayNode list = out.putArray("images");
    if (Files.isDirectory(dir)) {
      ImageCatalog catalog = new ImageCatalog(dir);
      for (CatalogEntry e : catalog.entries()) {
        ObjectNode n = list.addObject();
        n.put("file", e.file());
        n.put("kind", e.kind().name().toLowerCase());
        e.architecture().ifPresent(v -> n.put("architecture", v));
        e.version().ifPresent(v -> n.put("version", v));
        e.openshiftVersion().ifPresent(v -> n.put("openshiftVersion", v));
        e.sha256().ifPresent(v -> n.put("sha256", v.hex()));
        long actual = size(dir.resolve(e.file()));
        n.put("size", actual);
        n.put("verified", e.sha256().isPresent() && actual == e.size());
        n.put("source", e.source());
        if (!base.isEmpty()) {
          n.put("url", base + e.file());
        }
      }
      for (String f : catalog.unrecorded()) {
        ObjectNode n = list.addObject();
        n.put("file", f);
        n.put("kind", "unrecorded");
        n.put("size", size(dir.resolve(f)));
        n.put("verified", false);
        n.put("source", "");
        if (!base.isEmpty()) {
          n.put("url", base + f);
        }
      }
    }
    return out;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  // ---- /api/dns --------------------------------------------------------------------------

  /** Zones, records (configured and from DHCP leases), upstreams, counters, queries per second. */
  ObjectNode dns() {
    ApplianceContext c = ctx();
    ObjectNode out = JSON.createObjectNode();
    out.put("enabled", c.config().dns().enabled());
    out.put("state", state("dns"));
    ArrayNode zones = out.putArray("zones");
    ArrayNode records = out.putArray("records");
    ArrayNode upstreams = out.putArray("upstreams");
    Optional<ManagedService> unit = running("dns");
    if (unit.isPresent()) {
      DnsUnit dns = (DnsUnit) unit.get();
      dns.built().config().zones().forEach(zones::add);
      dns.built().config().records().forEach(r -> addRecord(records, r, "config"));
      for (Upstream u : dns.built().config().upstreams()) {
        upstreams.add(text(u.address()));
      }
      Map<String, Long> counters = dns.counters();
      out.set("counters", JSON.valueToTree(counters));
      out.put("queriesPerSecond", dnsRate.sample(counters.getOrDefault("queries", 0L)));
    } else {
      out.putObject("counters");
      out.put("queriesPerSecond", 0.0);
    }
    c.leaseRecords().records().forEach(r -> addRecord(records, r, "dhcp"));
    return out;
  }

  private static void addRecord(ArrayNode out, DnsRecord r, String source) {
    if (r instanceof DnsRecord.Host h) {
      for (InetAddress a : h.addresses()) {
        add(out, h.name(), a.getAddress().length == 4 ? "A" : "AAAA", Addresses.text(a), source);
      }
    } else if (r instanceof DnsRecord.Cname cn) {
      add(out, cn.name(), "CNAME", cn.target(), source);
    } else if (r instanceof DnsRecord.Ptr p) {
      add(out, p.name(), "PTR", p.target(), source);
    } else if (r instanceof DnsRecord.Srv s) {
      add(
          out,
          s.name(),
          "SRV",
          s.priority() + " " + s.weight() + " " + s.port() + " " + s.target(),
          source);
    } else if (r instanceof DnsRecord.Txt t) {
      add(out, t.name(), "TXT", String.join(" ", t.texts()), source);
    }
  }

  private static void add(ArrayNode out, String name, String type, String value, String source) {
    ObjectNode n = out.addObject();
    n.put("name", name);
    n.put("type", type);
    n.put("value", value);
    n.put("source", source);
  }

  /** Queries per second between two readings at least a second apart. */
  static final class QueryRate {
    private long lastCount = -1;
    private long lastNanos;
    private double rate;

    synchronized double sample(long count) {
      long now = System.nanoTime();
      if (lastCount < 0) {
        lastCount = count;
        lastNanos = now;
        return 0.0;
      }
      long dt = now - lastNanos;
      if (dt >= 1_000_000_000L) {
        rate = Math.max(0, count - lastCount) / (dt / 1e9);
        lastCount = count;
        lastNanos = now;
      }
      return Math.round(rate * 10) / 10.0;
    }
  }

  // ---- /api/dhcp -------------------------------------------------------------------------

  /** DHCPv4 leases (MAC, address, host name, expiry) and static hosts while DHCP runs. */
  ObjectNode dhcp() {
    ApplianceContext c = ctx();
    ObjectNode out = JSON.createObjectNode();
    out.put("enabled", c.config().dhcp().enabled());
    out.put("state", state("dhcp"));
    Optional<ManagedService> unit = running("dhcp");
    out.put("available", unit.isPresent());
    if (unit.isEmpty()) {
      out.put(
          "note",
          c.config().dhcp().enabled() ? "DHCP is not running" : "DHCP is off (dhcp.enabled)");
    }
    ArrayNode leases = out.putArray("leases");
    ArrayNode hosts = out.putArray("staticHosts");
    if (unit.isPresent()) {
      DhcpUnit dhcp = (DhcpUnit) unit.get();
      for (Lease l : dhcp.leases()) {
        ObjectNode n = leases.addObject();
        n.put("client", l.mac().text());
        n.put("address", l.address().getHostAddress());
        l.hostname().ifPresent(h -> n.put("hostname", h));
        n.put("expires", l.expires().toString());
      }
      for (Lease6 l : dhcp.leases6()) {
        ObjectNode n = leases.addObject();
        // the MAC when the server saw it, else the DUID and IAID (what DHCPv6 binds to)
        n.put("client", l.mac().map(m -> m.text()).orElse("duid " + l.duid() + "/" + l.iaid()));
        n.put("address", l.address().getHostAddress());
        l.hostname().ifPresent(h -> n.put("hostname", h));
        n.put("expires", l.expires().toString());
      }
      for (StaticHost h : staticHosts(c)) {
        ObjectNode n = hosts.addObject();
        n.put("client", String.join(",", h.macs()));
        h.address().ifPresent(a -> n.put("address", a.getHostAddress()));
        h.hostname().ifPresent(x -> n.put("hostname", x));
      }
    }
    return out;
  }

  private volatile Map.Entry<ApplianceContext, List<StaticHost>> staticHosts;

  /** The dhcp-host lines as the DHCP unit built them, once per config. */
  private List<StaticHost> staticHosts(ApplianceContext c) {
    Map.Entry<ApplianceContext, List<StaticHost>> cached = staticHosts;
    if (cached != null && cached.getKey() == c) {
      return cached.getValue();
    }
    List<StaticHost> hosts;
    try {
      DnsmasqConfig dm =
          c.config().dnsmasq().confFiles().isEmpty()
              ? DnsmasqConfig.empty()
              : DnsmasqParser.system().parse(c.config().dnsmasq().confFiles());
      hosts = DhcpUnit.build(c.config(), dm).config().hosts();
    } catch (RuntimeException e) {
      hosts = List.of();
    }
    staticHosts = Map.entry(c, hosts);
    return hosts;
  }

  // ---- /api/bmc --------------------------------------------------------------------------

  /** Every machine behind the Redfish facade: power, boot override, inserted media. */
  ObjectNode bmc() {
    ApplianceContext c = ctx();
    ObjectNode out = JSON.createObjectNode();
    out.put("enabled", c.config().redfish().enabled());
    out.put("state", state("redfish"));
    out.put("driver", c.config().redfish().driver());
    Optional<ManagedService> unit = running("redfish");
    String base = unit.flatMap(u -> u.urls().stream().findFirst()).orElse("");
    out.put("url", base);
    ArrayNode machines = out.putArray("machines");
    Optional<MachineDriver> driver = driver();
    if (driver.isPresent()) {
      for (var m : driver.get().machines()) {
        ObjectNode n = machines.addObject();
        n.put("name", m.name());
        n.put("uuid", m.uuid().toString());
        n.put("mac", m.mac());
        if (!base.isEmpty()) {
          n.put("systemUrl", base + "Systems/" + m.uuid());
        }
        try {
          MachineState s = driver.get().state(m);
          n.put("power", s.power().redfish());
          ObjectNode boot = n.putObject("boot");
          boot.put("target", s.boot().target().redfish());
          boot.put("enabled", s.boot().enabled().redfish());
          boot.put("mode", s.boot().mode().redfish());
          boot.put("effective", s.boot().effective().redfish());
          if (s.media().isPresent()) {
            ObjectNode media = n.putObject("media");
            media.put("image", s.media().get().image().toString());
            media.put("name", s.media().get().name());
          } else {
            n.putNull("media");
          }
          s.secureBoot().ifPresent(b -> n.put("secureBoot", b));
        } catch (RuntimeException e) {
          n.put("power", "Unknown");
          n.put("error", String.valueOf(e.getMessage()));
        }
      }
    }
    return out;
  }

  Optional<MachineDriver> driver() {
    return running("redfish").flatMap(u -> ((RedfishUnit) u).driver());
  }

  // ---- /api/cluster ----------------------------------------------------------------------

  /**
   * The hosted clusters' workers as the spec makes them (name, MAC, UUID, address), and whether the
   * Redfish facade has each as a machine (by UUID, else name) with its power state: the BMCs the
   * BareMetalHosts point at.
   */
  private void workers(org.airgap.appliance.config.AirgapConfig cfg, ArrayNode out) {
    java.util.Map<String, org.airgap.redfish.driver.Machine> byUuid = new java.util.HashMap<>();
    java.util.Map<String, org.airgap.redfish.driver.Machine> byName = new java.util.HashMap<>();
    Optional<MachineDriver> driver = driver();
    try {
      driver.ifPresent(
          d ->
              d.machines()
                  .forEach(
                      m -> {
                        byUuid.put(m.uuid().toString(), m);
                        byName.put(m.name(), m);
                      }));
    } catch (RuntimeException e) {
      driver = Optional.empty(); // the backend is unreachable right now: say "unknown" below
    }
    for (org.airgap.appliance.cluster.ClusterFeeds.Machine w :
        org.airgap.appliance.cluster.ClusterFeeds.machines(cfg)) {
      ObjectNode n = out.addObject();
      n.put("cluster", w.cluster());
      n.put("name", w.name());
      n.put("mac", w.mac());
      n.put("uuid", w.uuid());
      w.address()
          .ifPresentOrElse(a -> n.put("address", a.getHostAddress()), () -> n.putNull("address"));
      org.airgap.redfish.driver.Machine m = byUuid.getOrDefault(w.uuid(), byName.get(w.name()));
      if (driver.isEmpty()) {
        n.put("bmc", "unknown");
        n.put("power", "Unknown");
      } else if (m == null) {
        n.put("bmc", "missing");
        n.put("power", "Unknown");
      } else {
        n.put("bmc", "present");
        try {
          n.put("power", driver.get().state(m).power().redfish());
        } catch (RuntimeException e) {
          n.put("power", "Unknown");
        }
      }
    }
  }

  private volatile ObjectNode clusterCache;
  private volatile long clusterCachedAt;

  /**
   * The control module's phases: each with its state (applied per {@code state/cluster.json}, else
   * pending) and the objects it renders. Rendering reads files, so the answer is kept 10 s.
   */
  ObjectNode cluster() {
    long now = System.nanoTime();
    ObjectNode cached = clusterCache;
    if (cached != null && now - clusterCachedAt < 10_000_000_000L) {
      return cached;
    }
    ObjectNode out = JSON.createObjectNode();
    var cfg = ctx().config();
    if (cfg.cluster().hosted().isEmpty()) {
      out.put("configured", false);
      out.put("note", "no site spec is configured (cluster: in the config)");
      out.putArray("phases");
    } else {
      out.put("configured", true);
      java.util.Set<String> applied = new java.util.HashSet<>();
      try {
        java.nio.file.Path state = cfg.dataDir().resolve("state/cluster.json");
        if (java.nio.file.Files.exists(state)) {
          JSON.readTree(state.toFile()).path("applied").forEach(n -> applied.add(n.asText()));
        }
      } catch (java.io.IOException e) {
        out.put("note", "cannot read state/cluster.json: " + e.getMessage());
      }
      java.util.List<org.airgap.appliance.cluster.ClusterRenderer.Rendered> files =
          java.util.List.of();
      try {
        files =
            new org.airgap.appliance.cluster.ClusterRenderer(
                    cfg, org.airgap.appliance.cluster.SiteFacts.gather(cfg))
                .render();
      } catch (RuntimeException e) {
        out.put("note", "cannot render the site spec: " + e.getMessage());
      }
      com.fasterxml.jackson.databind.node.ArrayNode phases = out.putArray("phases");
      for (org.airgap.appliance.cluster.ClusterApplier.Phase p :
          org.airgap.appliance.cluster.ClusterApplier.Phase.values()) {
        ObjectNode ph = phases.addObject();
        ph.put("name", p.label());
        ph.put("state", applied.contains(p.label()) ? "applied" : "pending");
        com.fasterxml.jackson.databind.node.ArrayNode objects = ph.putArray("objects");
        for (String o : org.airgap.appliance.cluster.ClusterApplier.describeObjects(files, p)) {
          objects.add(o);
        }
        ph.putArray("conditions");
      }
      workers(cfg, out.putArray("workers"));
    }
    clusterCache = out;
    clusterCachedAt = now;
    return out;
  }

  static JsonNode tree(Object o) {
    return JSON.valueToTree(o);
  }
}
