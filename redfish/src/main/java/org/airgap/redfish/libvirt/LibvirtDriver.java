package org.airgap.redfish.libvirt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.airgap.redfish.driver.Boot;
import org.airgap.redfish.driver.Feature;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MachineDriver;
import org.airgap.redfish.driver.MachineState;
import org.airgap.redfish.driver.MediaImage;
import org.airgap.redfish.driver.NoSuchMachineException;
import org.airgap.redfish.driver.PowerState;
import org.airgap.redfish.driver.ResetType;
import org.airgap.redfish.driver.UnsupportedFeatureException;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;
import org.libvirt.event.RebootListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libvirt backend ({@code redfish.driver: libvirt}): every domain of the connection whose name
 * is a valid machine name is a machine (name, UUID and the MAC of its first NIC).
 *
 * <p>Power: On = start, ForceOff = destroy, GracefulShutdown = shutdown (ACPI), GracefulRestart =
 * reboot, ForceRestart = destroy + start (so new boot settings and media apply; a soft reset keeps
 * the running configuration), Nmi = inject an NMI, PushPowerButton = shutdown when on, start when
 * off. Boot overrides rewrite the persistent XML ({@link DomainXml}).
 *
 * <p>Once means once: every start that uses a Once override (ours, or anyone's: the {@code Started}
 * event) reverts it in the persistent XML at once and notes the run; when that run reboots itself
 * (the {@code Reboot} event, e.g. an installer that reboots), the domain is destroyed and started
 * again, so the reboot uses the reverted order instead of the CD again.
 *
 * <p>Threading: libvirt calls run on a pool owned by the driver and wait at most {@code
 * callTimeout}; each machine has its own lock, so a stuck domain never blocks the others. A lost
 * connection (libvirtd restarted) is reopened on the next call. Media downloads run on the caller's
 * thread, outside any libvirt call.
 */
public final class LibvirtDriver implements MachineDriver {
  private static final Logger LOG = LoggerFactory.getLogger(LibvirtDriver.class);
  private static final int XML_INACTIVE = 2;
  private static final int AFFECT_LIVE = 1;
  private static final int DEVICE_FORCE = 4;
  private static final long MACHINES_TTL_NANOS = 1_000_000_000L;
  private static final Set<Boot.Target> TARGETS =
      EnumSet.of(Boot.Target.NONE, Boot.Target.PXE, Boot.Target.CD, Boot.Target.HDD);

  private final LibvirtConfig config;
  private final MediaCache cache;
  private final ThreadPoolExecutor pool;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Map<String, Boot.Target> lastBoot = new ConcurrentHashMap<>();
  private final Map<String, String> macs = new ConcurrentHashMap<>();
  private final ReentrantLock listing = new ReentrantLock();
  private volatile Snapshot snapshot;
  private volatile Connect conn;
  private volatile Boolean dac;

  /**
   * The persistent XML of each domain by UUID, so a GET costs one libvirt call (the power state)
   * instead of three: dropped on every define of ours, on libvirt's Defined/Undefined events (a
   * {@code virsh define} elsewhere), on reconnect, and after {@link #XML_TTL_NANOS} at most.
   */
  private final Map<String, CachedXml> xmlCache = new ConcurrentHashMap<>();

  private final AtomicLong xmlEpoch = new AtomicLong();
  private static final long XML_TTL_NANOS = 30_000_000_000L;

  private record CachedXml(String xml, View view, long epoch, long at) {}

  /** What a GET reads from the persistent XML, parsed once per cached copy. */
  private record View(Boot boot, Optional<DomainXml.Media> media, boolean secureBoot) {}

  private volatile boolean closed;

  /**
   * libvirt keeps calling a registered event callback until it is deregistered, even after {@code
   * virConnectClose} (the test driver does, for one): a callback JNA finds collected aborts the
   * JVM. The lifecycle listener is deregistered before the connection closes; the Java binding has
   * no way to deregister a reboot listener, so every closed connection stays reachable in {@link
   * #ORPHANS} (its callbacks with it), and events from a connection that is not the current one are
   * ignored.
   */
  private final LifecycleListener lifecycle = this::onLifecycle;

  private final RebootListener reboot = this::onReboot;
  private static final Queue<Connect> ORPHANS = new ConcurrentLinkedQueue<>();

  private record Snapshot(List<Machine> machines, long at) {}

  /** A libvirt call made on the pool. */
  @FunctionalInterface
  private interface Call<T> {
    T run(Connect c) throws LibvirtException;
  }

  private LibvirtDriver(LibvirtConfig config) {
    this.config = config;
    this.cache = new MediaCache(config.mediaCache(), config.localSources(), config.download());
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            16,
            16,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "libvirt-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.pool.allowCoreThreadTimeOut(true);
  }

  /** Connects to {@code config.uri()}; fails when libvirt cannot be reached. */
  public static LibvirtDriver open(LibvirtConfig config) {
    LibvirtDriver d = new LibvirtDriver(config);
    try {
      d.call("connect", c -> null);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  @Override
  public String name() {
    return "libvirt";
  }

  public LibvirtConfig config() {
    return config;
  }

  @Override
  public Set<Feature> features() {
    return config.features();
  }

  @Override
  public Set<Boot.Target> bootTargets() {
    return TARGETS;
  }

  // ---- machines ------------------------------------------------------------------------------

  @Override
  public List<Machine> machines() {
    Snapshot s = snapshot;
    long now = System.nanoTime();
    if (s != null && now - s.at() < MACHINES_TTL_NANOS) {
      return s.machines();
    }
    if (s != null && !listing.tryLock()) {
      return s.machines(); // someone else is refreshing: the list of a second ago will do
    }
    if (s == null) {
      listing.lock();
    }
    try {
      Snapshot again = snapshot;
      if (again != null && again != s) {
        return again.machines();
      }
      List<Machine> list = call("list domains", this::list);
      snapshot = new Snapshot(list, System.nanoTime());
      return list;
    } finally {
      listing.unlock();
    }
  }

  private List<Machine> list(Connect c) throws LibvirtException {
    List<Machine> out = new ArrayList<>();
    for (Domain d : c.listAllDomains(0)) {
      try {
        String name = d.getName();
        String uuid = d.getUUIDString();
        String mac = macs.get(uuid);
        if (mac == null) {
          mac = DomainXml.parse(d.getXMLDesc(XML_INACTIVE)).firstMac().orElse(derivedMac(uuid));
          macs.put(uuid, mac);
        }
        out.add(new Machine(name, UUID.fromString(uuid), mac));
      } catch (IllegalArgumentException e) {
        LOG.debug("libvirt: domain skipped: {}", e.getMessage());
      } finally {
        d.free();
      }
    }
    out.sort(Comparator.comparing(Machine::name));
    return List.copyOf(out);
  }

  private static String derivedMac(String uuid) {
    String h = uuid.replace("-", "");
    return "52:54:00:" + h.substring(0, 2) + ":" + h.substring(2, 4) + ":" + h.substring(4, 6);
  }

  // ---- state ---------------------------------------------------------------------------------

  @Override
  public MachineState state(Machine machine) {
    return call(
        "state of " + machine.name(),
        c -> {
          Domain d = domain(c, machine);
          try {
            DomainInfo info = d.getInfo();
            View x = cached(d).view();
            Optional<MediaImage> media =
                features().contains(Feature.VIRTUAL_MEDIA)
                    ? x.media()
                        .map(
                            m ->
                                new MediaImage(
                                    m.url(), m.writeProtected(), m.user(), Optional.empty()))
                    : Optional.empty();
            return new MachineState(
                machine,
                power(info.state),
                x.boot(),
                Optional.ofNullable(lastBoot.get(machine.name())),
                media,
                features().contains(Feature.SECURE_BOOT)
                    ? Optional.of(x.secureBoot())
                    : Optional.empty());
          } finally {
            d.free();
          }
        });
  }

  private static PowerState power(DomainInfo.DomainState s) {
    return switch (s) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_PMSUSPENDED -> PowerState.ON;
      case VIR_DOMAIN_PAUSED -> PowerState.PAUSED;
      case VIR_DOMAIN_SHUTDOWN -> PowerState.POWERING_OFF;
      default -> PowerState.OFF;
    };
  }

  // ---- power ---------------------------------------------------------------------------------

  @Override
  public void reset(Machine machine, ResetType type) {
    if (!resetTypes().contains(type)) {
      if (type == ResetType.NMI) {
        throw new UnsupportedFeatureException(name(), Feature.NMI);
      }
      throw new IllegalArgumentException("reset type " + type.redfish() + " is not supported");
    }
    locked(
        machine,
        () ->
            call(
                type.redfish() + " " + machine.name(),
                c -> {
                  Domain d = domain(c, machine);
                  try {
                    boolean on = d.isActive() == 1;
                    switch (type) {
                      case ON -> {
                        if (!on) {
                          start(c, d, machine);
                        }
                      }
                      case FORCE_OFF -> {
                        if (on) {
                          destroy(d);
                        }
                      }
                      case GRACEFUL_SHUTDOWN -> {
                        if (on) {
                          d.shutdown();
                        }
                      }
                      case GRACEFUL_RESTART -> {
                        if (on) {
                          d.reboot(0);
                        } else {
                          start(c, d, machine);
                        }
                      }
                      case FORCE_RESTART -> {
                        if (on) {
                          destroy(d);
                        }
                        start(c, d, machine);
                      }
                      case PUSH_POWER_BUTTON -> {
                        if (on) {
                          d.shutdown();
                        } else {
                          start(c, d, machine);
                        }
                      }
                      case NMI -> {
                        if (on) {
                          Nmi.inject(d);
                        }
                      }
                      default ->
                          throw new IllegalArgumentException(
                              "reset type " + type.redfish() + " is not supported");
                    }
                    return null;
                  } finally {
                    d.free();
                  }
                }));
  }

  /**
   * Destroys a domain seen running; one that stopped meanwhile (the guest powered off, or libvirtd
   * gave up reattaching it after a restart) is fine: it is off, as asked.
   */
  private static void destroy(Domain d) throws LibvirtException {
    try {
      d.destroy();
    } catch (LibvirtException e) {
      if (e.getError() == null
          || e.getError().getCode() != ErrorNumber.VIR_ERR_OPERATION_INVALID
          || d.isActive() == 1) {
        throw e;
      }
    }
  }

  /** Starts the domain and consumes a Once override (under the machine's lock). */
  private void start(Connect c, Domain d, Machine m) throws LibvirtException {
    d.create();
    afterStart(c, d, m, true);
  }

  private void afterStart(Connect c, Domain d, Machine m, boolean ours) throws LibvirtException {
    DomainXml x = DomainXml.parse(d.getXMLDesc(XML_INACTIVE));
    Boot before = x.boot();
    // the Started event of a run we began ourselves arrives after our own afterStart: the mark of
    // this run stays, only a previous run's is stale
    boolean pending = x.pendingRun().isPresent() && !x.pendingRun().equals(Optional.of(d.getID()));
    if (pending) {
      x.clearPendingRun();
    }
    Boot.Target used = x.consumeOnce(d.getID());
    // noted before the override reads Disabled: a reader who sees it consumed sees what booted
    if (ours || before.enabled() == Boot.Enabled.ONCE) {
      lastBoot.put(m.name(), used);
    }
    if (before.enabled() == Boot.Enabled.ONCE || pending) {
      define(c, x);
    }
    if (before.enabled() == Boot.Enabled.ONCE) {
      LOG.info("libvirt: {} booted its Once override ({}); reverted", m.name(), used.redfish());
    }
  }

  // ---- boot override -------------------------------------------------------------------------

  @Override
  public void setBoot(Machine machine, Boot boot) {
    if (!TARGETS.contains(boot.target())) {
      throw new IllegalArgumentException(
          "boot target " + boot.target().redfish() + " is not supported");
    }
    rewrite(machine, "boot override", x -> x.setBoot(boot));
  }

  @Override
  public void setSecureBoot(Machine machine, boolean enabled) {
    require(Feature.SECURE_BOOT);
    rewrite(machine, "secure boot", x -> x.setSecureBoot(enabled));
  }

  private void rewrite(Machine machine, String what, java.util.function.Consumer<DomainXml> edit) {
    locked(
        machine,
        () ->
            call(
                what + " of " + machine.name(),
                c -> {
                  Domain d = domain(c, machine);
                  try {
                    DomainXml x = DomainXml.parse(d.getXMLDesc(XML_INACTIVE));
                    edit.accept(x);
                    define(c, x);
                    return null;
                  } finally {
                    d.free();
                  }
                }));
  }

  // ---- virtual media -------------------------------------------------------------------------

  @Override
  public void insertMedia(Machine machine, MediaImage image) {
    require(Feature.VIRTUAL_MEDIA);
    DomainXml now = persistent(machine);
    if (!now.hasCdrom()) {
      throw new IllegalStateException(
          "domain "
              + machine.name()
              + " has no CD drive: a SATA CD-ROM cannot be hot-added, define the VM with an"
              + " empty one (airgap vm create always does)");
    }
    Path file = cache.fetch(image);
    setCdrom(
        machine,
        Optional.of(file.toString()),
        Optional.of(new DomainXml.Media(image.image(), image.writeProtected(), image.user())));
  }

  @Override
  public void ejectMedia(Machine machine) {
    require(Feature.VIRTUAL_MEDIA);
    if (!persistent(machine).hasCdrom()) {
      return;
    }
    setCdrom(machine, Optional.empty(), Optional.empty());
  }

  private void setCdrom(Machine machine, Optional<String> file, Optional<DomainXml.Media> media) {
    Optional<String> old =
        locked(
            machine,
            () ->
                call(
                    "virtual CD of " + machine.name(),
                    c -> {
                      Domain d = domain(c, machine);
                      try {
                        DomainXml x = DomainXml.parse(d.getXMLDesc(XML_INACTIVE));
                        Optional<String> before = x.cdromFile();
                        String device = x.setCdrom(file, media, dac(c));
                        if (d.isActive() == 1) {
                          d.updateDeviceFlags(device, AFFECT_LIVE | DEVICE_FORCE);
                        }
                        define(c, x);
                        return before;
                      } finally {
                        d.free();
                      }
                    }));
    if (old.isPresent() && !old.equals(file) && cache.owns(Path.of(old.get()))) {
      String path = old.get();
      boolean used =
          call(
              "users of " + path,
              c -> {
                for (Domain d : c.listAllDomains(0)) {
                  try {
                    String quoted = "'" + path + "'";
                    String q2 = "\"" + path + "\"";
                    for (int flags : new int[] {0, XML_INACTIVE}) {
                      String xml = d.getXMLDesc(flags);
                      if (xml.contains(quoted) || xml.contains(q2)) {
                        return true;
                      }
                    }
                  } finally {
                    d.free();
                  }
                }
                return false;
              });
      if (!used) {
        cache.release(Path.of(path));
      }
    }
  }

  /** Defines the domain from {@code x} and forgets its cached XML. */
  private void define(Connect c, DomainXml x) throws LibvirtException {
    try {
      c.domainDefineXML(x.xml()).free();
    } finally {
      forgetXml();
    }
  }

  private void forgetXml() {
    xmlEpoch.incrementAndGet();
    xmlCache.clear();
  }

  /** The domain's persistent XML and what a GET reads of it, from the cache when fresh. */
  private CachedXml cached(Domain d) throws LibvirtException {
    String uuid = d.getUUIDString();
    long now = System.nanoTime();
    CachedXml hit = xmlCache.get(uuid);
    long epoch = xmlEpoch.get();
    if (hit != null && hit.epoch() == epoch && now - hit.at() < XML_TTL_NANOS) {
      return hit;
    }
    String xml = d.getXMLDesc(XML_INACTIVE);
    DomainXml x = DomainXml.parse(xml);
    CachedXml fresh = new CachedXml(xml, new View(x.boot(), x.media(), x.secureBoot()), epoch, now);
    // a define meanwhile makes this copy stale: keep it only if none happened
    if (xmlEpoch.get() == epoch) {
      xmlCache.put(uuid, fresh);
    }
    return fresh;
  }

  /** Whether the hypervisor has libvirt's DAC security driver (not so in session mode). */
  private boolean dac(Connect c) throws LibvirtException {
    Boolean known = dac;
    if (known == null) {
      String caps = c.getCapabilities();
      known = caps.contains("<model>dac</model>");
      dac = known;
    }
    return known;
  }

  private DomainXml persistent(Machine machine) {
    return call(
        "XML of " + machine.name(),
        c -> {
          Domain d = domain(c, machine);
          try {
            return DomainXml.parse(cached(d).xml());
          } finally {
            d.free();
          }
        });
  }

  // ---- events --------------------------------------------------------------------------------

  private int onLifecycle(Domain d, DomainEvent e) {
    if (d.getConnect() != conn) {
      return 0;
    }
    if (e.getType() == DomainEventType.DEFINED || e.getType() == DomainEventType.UNDEFINED) {
      snapshot = null;
      forgetXml();
    }
    if (e.getType() == DomainEventType.STARTED) {
      onDomain(d, "started", this::started);
    }
    return 0;
  }

  private void onReboot(Domain d) {
    if (d.getConnect() != conn) {
      return;
    }
    onDomain(d, "rebooted", this::rebooted);
  }

  private interface DomainHandler {
    void handle(Connect c, Domain d, Machine m) throws LibvirtException;
  }

  /** Event callbacks run on libvirt's event thread: the work goes to the pool. */
  private void onDomain(Domain event, String what, DomainHandler handler) {
    if (closed) {
      return;
    }
    String uuid;
    try {
      uuid = event.getUUIDString();
    } catch (LibvirtException e) {
      return;
    }
    pool.execute(
        () -> {
          Optional<Machine> m = find(uuid);
          if (m.isEmpty() || closed) {
            return;
          }
          try {
            locked(
                m.get(),
                () ->
                    call(
                        what + " " + m.get().name(),
                        c -> {
                          Domain d = domain(c, m.get());
                          try {
                            handler.handle(c, d, m.get());
                          } finally {
                            d.free();
                          }
                          return null;
                        }));
          } catch (RuntimeException e) {
            LOG.warn("libvirt: handling {} of {} failed: {}", what, m.get().name(), e.toString());
          }
        });
  }

  private void started(Connect c, Domain d, Machine m) throws LibvirtException {
    if (d.isActive() == 1) {
      afterStart(c, d, m, false);
    }
  }

  /** A run that booted a now-consumed Once override reboots: start it afresh instead. */
  private void rebooted(Connect c, Domain d, Machine m) throws LibvirtException {
    DomainXml x = DomainXml.parse(d.getXMLDesc(XML_INACTIVE));
    if (d.isActive() == 1 && x.pendingRun().equals(Optional.of(d.getID()))) {
      LOG.info(
          "libvirt: {} rebooted after a Once boot: restarting it without the override", m.name());
      destroy(d);
      // the guest is off now: it must come back, or an installer waits forever
      for (int attempt = 1; ; attempt++) {
        try {
          start(c, d, m);
          return;
        } catch (LibvirtException e) {
          if (attempt == 3 || d.isActive() == 1) {
            throw e;
          }
          LOG.warn("libvirt: restarting {} failed ({}), trying again", m.name(), e.getMessage());
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    }
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private void require(Feature f) {
    if (!features().contains(f)) {
      throw new UnsupportedFeatureException(name(), f);
    }
  }

  private static Domain domain(Connect c, Machine m) throws LibvirtException {
    Domain d;
    try {
      d = c.domainLookupByUUID(m.uuid());
    } catch (LibvirtException e) {
      if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN) {
        throw new NoSuchMachineException(m.name());
      }
      throw e;
    }
    if (!d.getName().equals(m.name())) {
      d.free();
      throw new NoSuchMachineException(m.name());
    }
    return d;
  }

  private <T> T locked(Machine m, java.util.function.Supplier<T> body) {
    ReentrantLock lock = locks.computeIfAbsent(m.name(), k -> new ReentrantLock());
    try {
      if (!lock.tryLock(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "libvirt: " + m.name() + " is busy with a call that has not returned");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  private void locked(Machine m, Runnable body) {
    locked(
        m,
        () -> {
          body.run();
          return null;
        });
  }

  private <T> T call(String what, Call<T> fn) {
    if (closed) {
      throw new IllegalStateException("libvirt backend is closed");
    }
    Future<T> f =
        pool.submit(
            () -> {
              try {
                return fn.run(connection());
              } catch (LibvirtException e) {
                if (!lost(e)) {
                  throw e;
                }
                LOG.warn(
                    "libvirt: connection to {} lost ({}), reconnecting",
                    config.uri(),
                    e.getMessage());
                drop();
                return fn.run(connection());
              }
            });
    try {
      return f.get(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IllegalStateException(
          "libvirt: " + what + " did not return within " + config.callTimeout().toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof LibvirtException le) {
        throw new IllegalStateException("libvirt: " + what + ": " + le.getMessage(), le);
      }
      throw new IllegalStateException("libvirt: " + what + " failed", cause);
    }
  }

  private static boolean lost(LibvirtException e) {
    if (e.getError() == null) {
      return false;
    }
    ErrorNumber n = e.getError().getCode();
    return n == ErrorNumber.VIR_ERR_SYSTEM_ERROR
        || n == ErrorNumber.VIR_ERR_NO_CONNECT
        || n == ErrorNumber.VIR_ERR_INVALID_CONN
        || n == ErrorNumber.VIR_ERR_RPC;
  }

  private synchronized Connect connection() throws LibvirtException {
    Connect c = conn;
    if (c != null) {
      boolean alive;
      try {
        alive = c.isAlive();
      } catch (LibvirtException e) {
        alive = false;
      }
      if (alive) {
        return c;
      }
      LOG.warn("libvirt: connection to {} is gone, reconnecting", config.uri());
      drop();
    }
    EventLoop.ensureRunning();
    c = new Connect(config.uri(), false);
    try {
      c.setKeepAlive(5, 3);
    } catch (LibvirtException e) {
      LOG.debug("libvirt: no keepalive on {}: {}", config.uri(), e.getMessage());
    }
    c.addLifecycleListener(lifecycle);
    c.addRebootListener(reboot);
    conn = c;
    snapshot = null;
    dac = null;
    forgetXml();
    return c;
  }

  private synchronized void drop() {
    Connect c = conn;
    conn = null;
    if (c != null) {
      ORPHANS.add(c);
      try {
        c.removeLifecycleListener(lifecycle);
      } catch (LibvirtException | RuntimeException e) {
        LOG.debug("libvirt: deregistering events: {}", e.toString());
      }
      try {
        c.close();
      } catch (LibvirtException | RuntimeException e) {
        LOG.debug("libvirt: closing a lost connection: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pool.shutdownNow();
    drop();
    cache.close();
  }
}
