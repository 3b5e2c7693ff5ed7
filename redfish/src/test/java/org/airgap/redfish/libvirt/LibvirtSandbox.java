package org.airgap.redfish.libvirt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.libvirt.Connect;

/**
 * A real libvirtd (and its virtlogd) that a test starts, owns and stops, isolated from the host's
 * libvirt and from other tests running at the same time.
 *
 * <p>It runs in session mode ({@code qemu:///session}) as an unprivileged user ({@code nobody} when
 * the test runs as root, else the test's own user), so every file it reads or writes lives under
 * one temp folder: its config ({@code XDG_CONFIG_HOME}), sockets and PID files ({@code
 * XDG_RUNTIME_DIR}), caches and logs. Nothing under {@code /etc/libvirt}, {@code /run/libvirt} or
 * {@code /var/lib/libvirt} is read or changed, and there is no network: the session daemon has no
 * {@code default} network to autostart (no bridge, no dnsmasq), and test VMs have no NIC. VMs run
 * as that user under software emulation ({@code <domain type='qemu'>}), so neither {@code /dev/kvm}
 * nor its permissions matter.
 *
 * <p>Why not a second system-mode daemon: the system daemon's paths are fixed ({@code
 * /run/libvirt/qemu}, {@code /etc/libvirt/qemu}), so two would collide, and on a host whose {@code
 * /dev/kvm} the {@code libvirt-qemu} user cannot open, libvirt 9.0 finds its cached QEMU
 * capabilities stale on every lookup ("/dev/kvm has changed (… vs 0)") and probes qemu again for
 * every call: one {@code virDomainDefineXML} took 60 s here, minutes under load, which is the
 * "hang" a first attempt met; killing it mid-probe left the probe's qemu processes behind.
 *
 * <p>Every wait has a deadline; {@link #close} kills every process this sandbox started by PID
 * (qemu first: each one carries the sandbox's unique folder in its command line), also from a
 * shutdown hook should the test JVM be stopped.
 */
public final class LibvirtSandbox implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(30);
  private static final int NOBODY = 65534;

  private final Path dir;
  private final Path run;
  private final Path logs;
  private final Map<String, String> env;
  private final List<String> asUser;
  private final Thread hook;
  private Process virtlogd;
  private Process libvirtd;
  private boolean closed;

  private LibvirtSandbox(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath();
    this.run = this.dir.resolve("run");
    this.logs = this.dir.resolve("logs");
    boolean root = "root".equals(System.getProperty("user.name"));
    this.asUser =
        root
            ? List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups")
            : List.of();
    Files.createDirectories(this.dir);
    open(this.dir);
    traversable(this.dir.getParent());
    for (String d : List.of("home", "run", "config/libvirt", "cache", "logs", "media", "vms")) {
      Files.createDirectories(this.dir.resolve(d));
    }
    Files.writeString(
        this.dir.resolve("config/libvirt/libvirtd.conf"),
        "log_outputs = \"3:file:" + logs.resolve("libvirtd.log") + "\"\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
    if (root) {
      try (Stream<Path> all = Files.walk(this.dir)) {
        for (Path p : all.toList()) {
          Files.setAttribute(p, "unix:uid", NOBODY);
          Files.setAttribute(p, "unix:gid", NOBODY);
        }
      }
    }
    this.env =
        Map.of(
            "HOME", this.dir.resolve("home").toString(),
            "XDG_RUNTIME_DIR", run.toString(),
            "XDG_CONFIG_HOME", this.dir.resolve("config").toString(),
            "XDG_CACHE_HOME", this.dir.resolve("cache").toString(),
            "PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
            "LC_ALL", "C");
    this.hook = new Thread(this::close, "libvirt-sandbox-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts virtlogd and libvirtd under {@code dir} (made world-traversable: qemu runs as another
   * user and reads media and writes serial logs there).
   */
  public static LibvirtSandbox start(Path dir) {
    LibvirtSandbox s;
    try {
      s = new LibvirtSandbox(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      s.virtlogd = s.spawn("virtlogd", s.run.resolve("libvirt/virtlogd-sock"));
      s.startLibvirtd();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The connection URI: the session daemon's own socket, never the host's. */
  public String uri() {
    return "qemu+unix:///session?socket=" + socket();
  }

  private Path socket() {
    return run.resolve("libvirt/libvirt-sock");
  }

  public Path dir() {
    return dir;
  }

  /** A folder the hypervisor's user may write (serial logs, disks, NVRAM): made on demand. */
  public Path writable(String name) {
    Path p = dir.resolve(name);
    try {
      Files.createDirectories(p);
      open(p);
      if (!asUser.isEmpty()) {
        Files.setAttribute(p, "unix:uid", NOBODY);
        Files.setAttribute(p, "unix:gid", NOBODY);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** The PID of the running libvirtd. */
  public long libvirtdPid() {
    return libvirtd.pid();
  }

  /** Kills libvirtd (SIGKILL, as a crash would) and starts it again; VMs keep running. */
  public void restartLibvirtd() {
    stop(libvirtd, Duration.ZERO);
    try {
      Files.deleteIfExists(socket());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    startLibvirtd();
  }

  private void startLibvirtd() {
    libvirtd = spawn("libvirtd", socket());
    // the socket exists before the daemon answers: wait for a real connection
    long deadline = System.nanoTime() + START.toNanos();
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      String last = "";
      while (System.nanoTime() < deadline) {
        Future<String> f =
            one.submit(
                () -> {
                  Connect c = new Connect(uri(), false);
                  try {
                    c.listAllDomains(0);
                    return "";
                  } finally {
                    c.close();
                  }
                });
        try {
          last = f.get(10, TimeUnit.SECONDS);
          if (last.isEmpty()) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          last = String.valueOf(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
          f.cancel(true);
          throw new IllegalStateException("libvirtd did not answer within 10 s" + logTail());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        if (!libvirtd.isAlive()) {
          throw new IllegalStateException("libvirtd exited: " + last + logTail());
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("libvirtd not ready in " + START + ": " + last + logTail());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      one.shutdownNow();
    }
  }

  /** Starts a daemon in the foreground (so its PID is ours) and waits for its socket. */
  private Process spawn(String daemon, Path socketFile) {
    List<String> cmd = new ArrayList<>(asUser);
    cmd.add("/usr/sbin/" + daemon);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(logs.resolve(daemon + ".out").toFile()));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start " + daemon + " (Debian libvirt-daemon-system): " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.exists(socketFile)) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            daemon + " exited with " + p.exitValue() + ": " + read(logs.resolve(daemon + ".out")));
      }
      if (System.nanoTime() > deadline) {
        stop(p, Duration.ZERO);
        throw new IllegalStateException(daemon + " made no socket within " + START);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return p;
  }

  /** The processes started under this sandbox that are not the daemons: the VMs' qemu. */
  public List<ProcessHandle> guests() {
    String mark = dir.toString() + "/";
    List<ProcessHandle> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String cmdline;
        try {
          cmdline =
              new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
        } catch (IOException e) {
          continue; // gone meanwhile
        }
        if (cmdline.contains("qemu-system") && cmdline.contains(mark)) {
          ProcessHandle.of(Long.parseLong(name)).ifPresent(out::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The tail of libvirtd's log, for failure messages. */
  public String logTail() {
    String log = read(logs.resolve("libvirtd.log")) + read(logs.resolve("libvirtd.out"));
    return "\n--- libvirtd log (tail) ---\n" + log.substring(Math.max(0, log.length() - 3000));
  }

  /** libvirtd's log tail and the tail of qemu's log for one domain, for failure messages. */
  public String logTail(String domain) {
    String log = read(dir.resolve("cache/libvirt/qemu/log/" + domain + ".log"));
    return logTail()
        + "\n--- qemu log of "
        + domain
        + " (tail) ---\n"
        + log.substring(Math.max(0, log.length() - 3000));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Lets the hypervisor's user through the folders above the sandbox: {@code o+x} is added to those
   * under the temp folder (a JUnit {@code @TempDir} is 0700); anywhere else they must already allow
   * it.
   */
  private static void traversable(Path p) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
    for (Path a = p.toRealPath(); a != null && !a.equals(tmp); a = a.getParent()) {
      java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
          Files.getPosixFilePermissions(a);
      if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
        continue;
      }
      if (!a.startsWith(tmp)) {
        throw new IllegalStateException(
            a + " is not searchable by others: qemu cannot reach the sandbox below it");
      }
      perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
      Files.setPosixFilePermissions(a, perms);
    }
  }

  private static void open(Path p) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void stop(Process p, Duration grace) {
    if (p == null || !p.isAlive()) {
      return;
    }
    if (!grace.isZero()) {
      p.destroy();
      try {
        if (p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the VMs, then libvirtd, then virtlogd, each by PID; waits for each to be gone. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
    for (ProcessHandle h : guests()) {
      h.destroyForcibly();
    }
    for (ProcessHandle h : guests()) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported below if it is still there
      }
    }
    stop(libvirtd, Duration.ofSeconds(5));
    stop(virtlogd, Duration.ofSeconds(5));
    Optional<ProcessHandle> left = guests().stream().findFirst();
    if (left.isPresent()) {
      throw new IllegalStateException("qemu " + left.get().pid() + " survived the sandbox");
    }
  }
}
