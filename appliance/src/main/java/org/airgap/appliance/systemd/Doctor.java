package org.airgap.appliance.systemd;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.pki.Pki;

/**
 * {@code airgap doctor}: checks the host before and after install, one line each with a fix. FAIL
 * lines block the daemon (a port held by someone else, a missing capability, no libvirt when the
 * libvirt driver is configured, a full disk, a clock before the CA); WARN lines do not.
 */
public final class Doctor {
  /** How a check came out. */
  public enum Status {
    OK,
    WARN,
    FAIL
  }

  /** One line of the report. */
  public record Check(Status status, String area, String detail, String fix) {
    @Override
    public String toString() {
      return String.format(
          "%-4s  %-12s %s%s",
          status, area, detail, fix.isEmpty() ? "" : "\n              fix: " + fix);
    }
  }

  static final int CAP_NET_BIND_SERVICE = 10;
  static final int CAP_NET_RAW = 13;
  static final List<Path> HOST_TRUST_BUNDLES =
      List.of(
          Path.of("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"),
          Path.of("/etc/pki/tls/certs/ca-bundle.crt"),
          Path.of("/etc/ssl/certs/ca-certificates.crt"));

  private final AirgapConfig config;

  public Doctor(AirgapConfig config) {
    this.config = config;
  }

  public List<Check> run() {
    List<Check> out = new ArrayList<>();
    Optional<Long> daemon = runningDaemon();
    long caps = effectiveCapabilities();
    out.addAll(ports(daemon, caps));
    out.addAll(capabilities(caps));
    out.add(libvirt());
    out.add(kvm());
    out.add(disk());
    out.addAll(caAndClock());
    out.add(dns());
    return out;
  }

  public static boolean blocks(List<Check> checks) {
    return checks.stream().anyMatch(c -> c.status() == Status.FAIL);
  }

  private record Listener(String service, ListenAddress address, boolean udp) {}

  private List<Listener> listeners() {
    List<Listener> l = new ArrayList<>();
    if (config.registry().enabled()) {
      config.registry().listen().forEach(a -> l.add(new Listener("registry", a, false)));
    }
    if (config.websrv().enabled()) {
      config.websrv().listen().forEach(a -> l.add(new Listener("websrv", a, false)));
    }
    if (config.dns().enabled()) {
      config.dns().listen().forEach(a -> l.add(new Listener("dns", a, false)));
      config.dns().listen().forEach(a -> l.add(new Listener("dns", a, true)));
    }
    if (config.redfish().enabled()) {
      config.redfish().listen().forEach(a -> l.add(new Listener("redfish", a, false)));
    }
    config.admin().listen().forEach(a -> l.add(new Listener("admin", a, false)));
    return l;
  }

  private List<Check> ports(Optional<Long> daemon, long caps) {
    List<Check> out = new ArrayList<>();
    for (Listener l : listeners()) {
      if (l.address().port() == 0) {
        continue;
      }
      String what = l.service() + " " + l.address() + (l.udp() ? "/udp" : "/tcp");
      String error = tryBind(l);
      if (error.isEmpty()) {
        out.add(new Check(Status.OK, "port", what + " is free", ""));
      } else if (daemon.isPresent()) {
        out.add(
            new Check(
                Status.OK, "port", what + " is held by airgap (pid " + daemon.get() + ")", ""));
      } else if (error.contains("Permission denied") || error.contains("Cannot assign")) {
        String fix =
            error.contains("Permission denied") && !has(caps, CAP_NET_BIND_SERVICE)
                ? "ports below 1024 need CAP_NET_BIND_SERVICE: run under airgap.service "
                    + "(AmbientCapabilities) or pick a port above 1023"
                : "use an address of this host in " + l.service() + ".listen";
        out.add(new Check(Status.FAIL, "port", what + " cannot be bound: " + error, fix));
      } else {
        out.add(
            new Check(
                Status.FAIL,
                "port",
                what + " is held by another process",
                "stop it (ss -lntup shows which) or change " + l.service() + ".listen"));
      }
    }
    return out;
  }

  private static String tryBind(Listener l) {
    try {
      if (l.udp()) {
        try (DatagramSocket s = new DatagramSocket(null)) {
          s.bind(l.address().socketAddress());
        }
      } else {
        try (ServerSocket s = new ServerSocket()) {
          s.bind(l.address().socketAddress());
        }
      }
      return "";
    } catch (BindException e) {
      return e.getMessage() == null ? "bind failed" : e.getMessage();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private List<Check> capabilities(long caps) {
    List<Check> out = new ArrayList<>();
    boolean lowPort =
        listeners().stream().anyMatch(l -> l.address().port() > 0 && l.address().port() < 1024);
    if (lowPort || config.dhcp().enabled()) {
      out.add(
          has(caps, CAP_NET_BIND_SERVICE)
              ? new Check(Status.OK, "capability", "CAP_NET_BIND_SERVICE present", "")
              : new Check(
                  Status.FAIL,
                  "capability",
                  "CAP_NET_BIND_SERVICE missing (needed for ports below 1024)",
                  "run under airgap.service (AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW)"));
    }
    if (config.dhcp().enabled()) {
      out.add(
          has(caps, CAP_NET_RAW)
              ? new Check(Status.OK, "capability", "CAP_NET_RAW present", "")
              : new Check(
                  Status.FAIL,
                  "capability",
                  "CAP_NET_RAW missing (needed for DHCP and router advertisements)",
                  "run under airgap.service (AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW)"));
    }
    return out;
  }

  private Check libvirt() {
    if (!config.redfish().enabled() || !config.redfish().driver().equals("libvirt")) {
      return new Check(
          Status.OK,
          "libvirt",
          "not needed (redfish.driver: " + config.redfish().driver() + ")",
          "");
    }
    for (String sock : List.of("/run/libvirt/libvirt-sock", "/run/libvirt/virtqemud-sock")) {
      Path p = Path.of(sock);
      if (Files.exists(p)) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          ch.connect(UnixDomainSocketAddress.of(p));
          return new Check(Status.OK, "libvirt", "reachable at " + sock, "");
        } catch (IOException e) {
          return new Check(
              Status.FAIL,
              "libvirt",
              sock + " refuses connections: " + e.getMessage(),
              "add the airgap user to group libvirt (SupplementaryGroups=libvirt in the unit)");
        }
      }
    }
    return new Check(
        Status.FAIL,
        "libvirt",
        "no libvirt socket (redfish.driver is libvirt)",
        "install and start libvirtd (systemctl enable --now libvirtd)");
  }

  private static Check kvm() {
    Path kvm = Path.of("/dev/kvm");
    if (Files.isReadable(kvm) && Files.isWritable(kvm)) {
      return new Check(Status.OK, "kvm", "/dev/kvm usable", "");
    }
    return new Check(
        Status.WARN,
        "kvm",
        Files.exists(kvm) ? "/dev/kvm not writable by this user" : "no /dev/kvm",
        "VMs fall back to software emulation (slow); enable virtualization or add the user to group kvm");
  }

  private Check disk() {
    try {
      Path dir = config.dataDir().toAbsolutePath();
      Path existing = dir;
      while (!Files.exists(existing) && existing.getParent() != null) {
        existing = existing.getParent();
      }
      FileStore fs = Files.getFileStore(existing);
      long free = fs.getUsableSpace();
      long total = fs.getTotalSpace();
      double pct = total == 0 ? 0 : 100.0 * free / total;
      String detail =
          String.format(
              "%s: %.1f GiB free of %.1f GiB (%.0f%%)",
              dir, free / 1073741824.0, total / 1073741824.0, pct);
      if (free < 1L << 30 || pct < 5) {
        return new Check(
            Status.FAIL, "disk", detail, "free space under the data dir (airgap registry gc)");
      }
      if (pct < 10) {
        return new Check(Status.WARN, "disk", detail, "the registry fills disks: plan more space");
      }
      return new Check(Status.OK, "disk", detail, "");
    } catch (IOException e) {
      return new Check(
          Status.FAIL, "disk", "cannot read the data dir's file system: " + e.getMessage(), "");
    }
  }

  private List<Check> caAndClock() {
    List<Check> out = new ArrayList<>();
    Path caFile = config.dataDir().resolve("pki/ca.crt");
    Instant now = Instant.now();
    if (!Files.exists(caFile)) {
      out.add(
          new Check(
              Status.WARN,
              "ca",
              "no site CA yet (created on the first start)",
              "start airgap once, then trust " + caFile));
      out.add(
          now.isAfter(Instant.parse("2024-01-01T00:00:00Z"))
              ? new Check(Status.OK, "clock", "now is " + now, "")
              : new Check(
                  Status.FAIL,
                  "clock",
                  "now is " + now + ": before 2024",
                  "set the clock (chronyc makestep)"));
      return out;
    }
    try {
      X509Certificate ca = Pki.readCertificates(caFile).get(0);
      String fp = Pki.fingerprint(ca);
      Optional<Path> trusted = HOST_TRUST_BUNDLES.stream().filter(b -> contains(b, fp)).findFirst();
      out.add(
          trusted.isPresent()
              ? new Check(
                  Status.OK,
                  "ca",
                  "the site CA is trusted by this host (" + trusted.get() + ")",
                  "")
              : new Check(
                  Status.WARN,
                  "ca",
                  "the site CA is not trusted by this host",
                  "RHEL: cp "
                      + caFile
                      + " /etc/pki/ca-trust/source/anchors/airgap.crt && update-ca-trust; "
                      + "Debian: cp "
                      + caFile
                      + " /usr/local/share/ca-certificates/airgap.crt && update-ca-certificates"));
      if (now.isBefore(ca.getNotBefore().toInstant())) {
        out.add(
            new Check(
                Status.FAIL,
                "clock",
                "now (" + now + ") is before the CA's start " + ca.getNotBefore().toInstant(),
                "set the clock (chronyc makestep)"));
      } else if (now.isAfter(ca.getNotAfter().toInstant())) {
        out.add(
            new Check(
                Status.FAIL,
                "clock",
                "the site CA expired on " + ca.getNotAfter().toInstant(),
                "move pki/ aside to create a new CA, and re-trust it"));
      } else {
        out.add(new Check(Status.OK, "clock", "now is " + now + ", within the CA's validity", ""));
      }
    } catch (Exception e) {
      out.add(
          new Check(
              Status.FAIL,
              "ca",
              "cannot read " + caFile + ": " + e.getMessage(),
              "restore pki/ from backup"));
    }
    return out;
  }

  private static boolean contains(Path bundle, String fingerprint) {
    try {
      if (!Files.isReadable(bundle)) {
        return false;
      }
      for (X509Certificate c : Pki.readCertificates(bundle)) {
        if (Pki.fingerprint(c).equals(fingerprint)) {
          return true;
        }
      }
    } catch (Exception e) {
      return false;
    }
    return false;
  }

  private Check dns() {
    String name = config.site().hostname();
    if (Addresses.isLiteral(name)) {
      return new Check(Status.OK, "dns", "site.hostname is an address (" + name + ")", "");
    }
    Set<String> want = new HashSet<>();
    config.site().inetAddresses().forEach(a -> want.add(Addresses.text(a)));
    try {
      Set<String> got = new HashSet<>();
      for (InetAddress a : InetAddress.getAllByName(name)) {
        got.add(Addresses.text(a));
      }
      if (got.stream().anyMatch(want::contains)) {
        return new Check(Status.OK, "dns", name + " resolves to " + got, "");
      }
      return new Check(
          Status.WARN,
          "dns",
          name + " resolves to " + got + ", not to site.addresses " + want,
          "point this host's resolver at airgap (nameserver "
              + want.stream().findFirst().orElse("…")
              + ") or fix the record");
    } catch (IOException e) {
      return new Check(
          Status.WARN,
          "dns",
          name + " does not resolve on this host",
          "add airgap to /etc/resolv.conf (NetworkManager: ipv4.dns) or an /etc/hosts entry");
    }
  }

  private Optional<Long> runningDaemon() {
    try {
      String pid =
          Files.readString(config.dataDir().resolve("airgap.lock"), StandardCharsets.UTF_8).strip();
      if (pid.isEmpty()) {
        return Optional.empty();
      }
      long p = Long.parseLong(pid);
      return ProcessHandle.of(p)
          .filter(ProcessHandle::isAlive)
          .filter(
              h ->
                  h.info()
                      .commandLine()
                      .map(c -> c.contains("airgap") || c.contains("org.airgap"))
                      .orElse(true))
          .map(h -> p);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** CapEff of this process from /proc/self/status (all bits when unreadable). */
  static long effectiveCapabilities() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return Long.parseUnsignedLong(line.substring(7).strip(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return -1L;
  }

  static boolean has(long caps, int cap) {
    return (caps & (1L << cap)) != 0;
  }
}
