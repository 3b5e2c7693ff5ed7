package org.airgap.appliance.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.Advertise;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.config.RedfishSection;
import org.airgap.appliance.config.WebsrvSection;
import org.airgap.redfish.RedfishConfig;
import org.airgap.redfish.RedfishServer;
import org.airgap.redfish.driver.MachineDriver;
import org.airgap.redfish.driver.MemoryDriver;
import org.airgap.redfish.libvirt.LibvirtConfig;
import org.airgap.redfish.libvirt.LibvirtDriver;
import org.airgap.registry.auth.Htpasswd;
import org.airgap.websrv.download.DownloadOptions;
import org.airgap.websrv.download.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redfish BMC facade, wired from {@code redfish:}. With {@code driver: libvirt} the machines
 * are the domains of {@code libvirt-uri}; virtual media is cached in {@code <data-dir>/redfish/}
 * (0755: qemu runs as another user), and images on airgap's own web server are used in place.
 */
public final class RedfishUnit implements ManagedService {
  private static final Logger LOG = LoggerFactory.getLogger(RedfishUnit.class);

  private final ApplianceContext ctx;
  private final RedfishServer server;
  private final Htpasswd ownUsers;

  public RedfishUnit(ApplianceContext ctx) {
    this.ctx = ctx;
    RedfishSection s = ctx.config().redfish();
    this.ownUsers = s.htpasswd() == null ? null : new Htpasswd(s.htpasswd());
    Htpasswd users = ownUsers != null ? ownUsers : ctx.users();
    RedfishConfig config =
        new RedfishConfig(
            s.listen().stream().map(ListenAddress::socketAddress).toList(),
            ctx.tls("redfish", s.tls()),
            s.driver(),
            machines(ctx.config()),
            s.sessionTimeoutDuration(),
            s.powerDelay());
    this.server = new RedfishServer(config, users::check, () -> driver(config), Clock.systemUTC());
  }

  /**
   * The memory backend's machines: {@code redfish.machines}, plus every worker of the site spec
   * with the UUID and MAC its BareMetalHost carries (the libvirt backend has real domains).
   */
  static java.util.List<org.airgap.redfish.driver.Machine> machines(AirgapConfig cfg) {
    java.util.List<org.airgap.redfish.driver.Machine> out =
        new java.util.ArrayList<>(cfg.redfish().machineList());
    java.util.Set<String> names = new java.util.HashSet<>();
    out.forEach(m -> names.add(m.name()));
    for (org.airgap.appliance.cluster.ClusterFeeds.Machine m :
        org.airgap.appliance.cluster.ClusterFeeds.machines(cfg)) {
      if (names.add(m.name())) {
        out.add(
            new org.airgap.redfish.driver.Machine(
                m.name(), java.util.UUID.fromString(m.uuid()), m.mac()));
      }
    }
    return java.util.List.copyOf(out);
  }

  private MachineDriver driver(RedfishConfig config) {
    if (config.driver().equals("libvirt")) {
      LibvirtConfig lc = libvirtConfig(ctx.config());
      prepareMediaCache(ctx.dataDir(), lc.mediaCache());
      return LibvirtDriver.open(lc);
    }
    return new MemoryDriver(config.machines(), config.powerDelay(), Clock.systemUTC());
  }

  /** The libvirt backend's config: URI, media cache, in-place sources and download trust. */
  public static LibvirtConfig libvirtConfig(AirgapConfig cfg) {
    RedfishSection s = cfg.redfish();
    DownloadOptions download = DownloadOptions.defaults();
    if (!s.mediaVerifyTls()) {
      download = download.withoutTlsVerification();
    } else if (s.mediaCaFile() != null) {
      download = download.withTrust(Tls.trusting(s.mediaCaFile()));
    }
    return LibvirtConfig.of(s.libvirtUri(), cfg.dataDir().resolve("redfish"), localSources(cfg))
        .withDownload(download);
  }

  /**
   * The prefixes under which an image URL is a file of airgap's own web server, used in place: the
   * site's names and addresses (and a specific listen address) on each {@code websrv.listen} port
   * over HTTP and each {@code tls-listen} port over HTTPS, and {@code websrv.advertise}; each maps
   * to {@code websrv.root}. A port 0 is only known once bound, so it has no prefix.
   */
  public static List<LibvirtConfig.LocalSource> localSources(AirgapConfig cfg) {
    WebsrvSection w = cfg.websrv();
    if (!w.enabled()) {
      return List.of();
    }
    Path root = cfg.websrvRoot();
    Set<String> bases = new LinkedHashSet<>();
    if (w.advertise() != null) {
      Advertise a = Advertise.parse(w.advertise());
      bases.add("http://" + Addresses.hostPort(a.host(), a.port()) + "/");
    }
    addBases(bases, cfg, "http", w.listen());
    addBases(bases, cfg, "https", w.tlsListen());
    List<LibvirtConfig.LocalSource> out = new ArrayList<>();
    for (String b : bases) {
      out.add(new LibvirtConfig.LocalSource(URI.create(b), root));
    }
    return List.copyOf(out);
  }

  private static void addBases(
      Set<String> bases, AirgapConfig cfg, String scheme, List<ListenAddress> listen) {
    for (ListenAddress l : listen) {
      if (l.port() == 0) {
        continue;
      }
      Set<String> hosts = new LinkedHashSet<>();
      hosts.add(cfg.site().hostname());
      hosts.addAll(cfg.site().hostnames());
      hosts.addAll(cfg.site().addresses());
      InetSocketAddress sa = l.socketAddress();
      if (!sa.getAddress().isAnyLocalAddress()) {
        hosts.add(Addresses.text(sa.getAddress()));
      }
      for (String h : hosts) {
        bases.add(scheme + "://" + Addresses.hostPort(h, l.port()) + "/");
      }
    }
  }

  /**
   * {@code <data-dir>/redfish/} 0755, and the data dir searchable by others (o+x, not readable), so
   * qemu, which runs as its own user, reaches the cached media.
   */
  static void prepareMediaCache(Path dataDir, Path cache) {
    try {
      Files.createDirectories(cache);
      Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dataDir);
      if (perms.add(PosixFilePermission.OTHERS_EXECUTE)) {
        Files.setPosixFilePermissions(dataDir, perms);
        LOG.info("redfish: {} made searchable (o+x) for the hypervisor's user", dataDir);
      }
    } catch (UnsupportedOperationException e) {
      LOG.debug("redfish: no POSIX permissions on {}", cache);
    } catch (IOException e) {
      throw new UncheckedIOException("redfish: cannot prepare the media cache " + cache, e);
    }
  }

  @Override
  public String name() {
    return "redfish";
  }

  @Override
  public void start() {
    server.start();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return server.addresses();
  }

  @Override
  public List<String> urls() {
    RedfishSection s = ctx.config().redfish();
    int port = addresses().get(0).getPort();
    return List.of(ctx.urls().base(s.tls(), s.advertise(), port) + "/redfish/v1/");
  }

  /** The machine backend while running: the console's power and eject use the same calls. */
  public Optional<MachineDriver> driver() {
    return server.driver();
  }

  @Override
  public Map<String, Long> counters() {
    return server.counters();
  }

  @Override
  public void close() {
    server.close();
  }
}
