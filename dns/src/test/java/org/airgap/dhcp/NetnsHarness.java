package org.airgap.dhcp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, for DHCP tests that must never touch the host: the
 * server side holds {@code 10.99.0.1/24} (and {@code fd99::1/64}), the client side starts without
 * an address. Code runs in a namespace either in this JVM ({@link #call}: a fresh thread that
 * {@code setns}es into it; sockets it opens and threads it starts stay there) or as a child process
 * ({@link #start}). {@link #forward} relays a port on the host's loopback to an address inside a
 * namespace (a browser on the host reaching an appliance started there); {@link #dhclient} runs
 * Debian's dhclient once in the client namespace. {@link #close} kills every child by PID and
 * deletes both namespaces, which removes the veth. Also published as dns's test jar for the
 * appliance's tests.
 */
public final class NetnsHarness implements AutoCloseable {
  public static final String SERVER_ADDRESS = "10.99.0.1";

  public final String server;
  public final String client;
  public final String serverIf;
  public final String clientIf;
  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> forwarders = new ArrayList<>();

  static {
    Native.register(NetnsHarness.class, "c");
  }

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int setns(int fd, int nstype) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private NetnsHarness(String id) {
    this.server = "agdhcp-s-" + id;
    this.client = "agdhcp-c-" + id;
    this.serverIf = "agS" + id;
    this.clientIf = "agC" + id;
  }

  /** Creates the namespaces and the link; a client MAC of the test's choosing. */
  public static NetnsHarness create() {
    String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff), 36);
    NetnsHarness h = new NetnsHarness(id);
    try {
      h.sh("ip netns add " + h.server);
      h.sh("ip netns add " + h.client);
      h.sh(
          "ip link add "
              + h.serverIf
              + " netns "
              + h.server
              + " type veth peer name "
              + h.clientIf
              + " netns "
              + h.client);
      h.in(h.server, "ip link set lo up");
      h.in(h.client, "ip link set lo up");
      h.in(h.server, "ip addr add " + SERVER_ADDRESS + "/24 dev " + h.serverIf);
      h.in(h.server, "ip link set " + h.serverIf + " up");
      h.in(h.client, "ip link set " + h.clientIf + " address 52:54:00:99:00:01");
      h.in(h.client, "ip link set " + h.clientIf + " up");
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
    return h;
  }

  /** Whether this machine lets the tests make namespaces (root in CI). */
  public static boolean available() {
    return ProcessHandle.current().info().user().map("root"::equals).orElse(false);
  }

  /** Runs a shell command in {@code ns}; throws when it fails. */
  public String in(String ns, String command) {
    return sh("ip netns exec " + ns + " " + command);
  }

  /** Runs a shell command on the host side (namespace management only); returns its output. */
  public String sh(String command) {
    try {
      Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + ": timed out");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + ": exit " + p.exitValue() + ": " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command in {@code ns}, returning its exit code and output, within {@code timeout}. */
  public Result run(String ns, Duration timeout, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      synchronized (processes) {
        processes.add(p);
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return new Result(
            -1, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
      return new Result(
          p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A command's exit code and output. */
  public record Result(int exit, String output) {}

  /** Starts a long-running command in {@code ns}; {@link #close} kills it if it still runs. */
  public Process start(String ns, Path log, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(List.of(command));
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      synchronized (processes) {
        processes.add(p);
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code main} in a JVM of its own inside {@code ns}, with this test's class path, and
   * waits until its output (in {@code log}) says {@code ready}; {@link #close} kills it if it still
   * runs.
   */
  public Process startJava(String ns, Path log, Class<?> main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    Process p = start(ns, log, cmd.toArray(String[]::new));
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.readString(log).contains("ready")) {
      if (!p.isAlive() || System.nanoTime() > end) {
        throw new IllegalStateException(
            main.getSimpleName()
                + (p.isAlive() ? " not ready in 30 s: " : " exited: ")
                + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return p;
  }

  /** Runs {@code task} on a thread inside {@code ns}: its sockets and threads stay there. */
  public <T> T call(String ns, Callable<T> task) {
    FutureTask<T> f =
        new FutureTask<>(
            () -> {
              enter(ns);
              return task.call();
            });
    Thread t = new Thread(f, "netns-" + ns);
    t.start();
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves the calling thread into {@code ns}. */
  private static void enter(String ns) {
    int fd = open("/run/netns/" + ns, 0x80000); // O_RDONLY | O_CLOEXEC
    try {
      setns(fd, 0x40000000); // CLONE_NEWNET
    } finally {
      close(fd);
    }
  }

  /**
   * A port on the host's 127.0.0.1 whose connections are relayed to {@code target} inside {@code
   * ns}; closed with this harness.
   */
  public InetSocketAddress forward(String ns, InetSocketAddress target) {
    try {
      ServerSocket listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      // every thread of this pool is born inside ns, so its connects happen there
      ExecutorService inside =
          Executors.newCachedThreadPool(
              r -> {
                Thread t =
                    new Thread(
                        () -> {
                          enter(ns);
                          r.run();
                        },
                        "netns-forward-" + ns);
                t.setDaemon(true);
                return t;
              });
      Thread acceptor =
          new Thread(
              () -> {
                while (!listen.isClosed()) {
                  try {
                    Socket outside = listen.accept();
                    inside.execute(() -> relay(outside, target, inside));
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "netns-accept-" + ns);
      acceptor.setDaemon(true);
      acceptor.start();
      synchronized (forwarders) {
        forwarders.add(listen);
        forwarders.add(inside::shutdownNow);
      }
      return (InetSocketAddress) listen.getLocalSocketAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void relay(Socket outside, InetSocketAddress target, ExecutorService inside) {
    try (outside;
        Socket there = new Socket()) {
      there.connect(target, 5000);
      FutureTask<Void> back =
          new FutureTask<>(
              () -> {
                pump(there.getInputStream(), outside.getOutputStream(), outside);
                return null;
              });
      inside.execute(back);
      pump(outside.getInputStream(), there.getOutputStream(), there);
      back.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser or the server went away: nothing to relay
    }
  }

  private static void pump(InputStream in, OutputStream out, Socket to) throws IOException {
    byte[] buf = new byte[16384];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } finally {
      if (!to.isClosed()) {
        to.shutdownOutput();
      }
    }
  }

  public void inServer(Runnable r) {
    call(
        server,
        () -> {
          r.run();
          return null;
        });
  }

  /** Writes an executable script that appends its arguments and environment to {@code log}. */
  public static Path recordingScript(Path dir, String name, Path log, String onBound) {
    Path s = dir.resolve(name);
    try {
      Files.writeString(
          s,
          "#!/bin/sh\n"
              + "# Records the event; never touches the host (runs inside the client namespace).\n"
              // one block per event, appended with one write: a reader that sees the event's
              // marker sees its variables too
              + "{ echo \"=== $1 $reason\"; env | sort; } > "
              + log
              + ".$$ && cat "
              + log
              + ".$$ >> "
              + log
              + " && rm -f "
              + log
              + ".$$\n"
              + onBound
              + "\nexit 0\n");
      s.toFile().setExecutable(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s;
  }

  /**
   * Debian's dhclient once ({@code -4 -1}) on the client side with a script, config, lease and PID
   * file of the test's own in {@code dir}: its arguments ({@code [2]} is {@code -1}; {@code -r}
   * there releases). The script records every event to {@code log} and sets the address inside the
   * namespace only; the config asks for the usual options plus NTP servers and MTU.
   */
  public String[] dhclientArgs(Path dir, Path log) throws IOException {
    Path script =
        recordingScript(
            dir,
            "dhclient.sh",
            log,
            "case \"$reason\" in BOUND|RENEW|REBIND|REBOOT) ip addr replace"
                + " $new_ip_address/24 dev $interface;; esac");
    Path conf = dir.resolve("dhclient.conf");
    Files.writeString(
        conf,
        "timeout 20; retry 1; initial-interval 1;\n"
            + "request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers,"
            + " domain-search, host-name, ntp-servers, interface-mtu;\n");
    return new String[] {
      "dhclient",
      "-4",
      "-1",
      "-cf",
      conf.toString(),
      "-sf",
      script.toString(),
      "-lf",
      dir.resolve("dhclient.leases").toString(),
      "-pf",
      dir.resolve("dhclient.pid").toString(),
      clientIf
    };
  }

  /**
   * Runs {@link #dhclientArgs} once with {@code mac} on the client side (its address flushed first)
   * and returns the event log; fails when dhclient gets no lease.
   */
  public Path dhclient(Path dir, String mac) throws IOException {
    in(client, "ip addr flush dev " + clientIf);
    in(client, "ip link set " + clientIf + " address " + mac);
    Path log = dir.resolve("dhclient-" + mac.replace(':', '-') + ".events");
    Result r = run(client, Duration.ofSeconds(40), dhclientArgs(dir, log));
    if (r.exit() != 0) {
      throw new IllegalStateException("dhclient: exit " + r.exit() + ": " + r.output());
    }
    return log;
  }

  /** Kills every child process, stops the relays, deletes both namespaces; never throws. */
  @Override
  public void close() {
    synchronized (forwarders) {
      for (AutoCloseable c : forwarders) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
    }
    synchronized (processes) {
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    // Daemons (dhclient after it binds) leave the ip-netns-exec child: kill what still runs in
    // the namespaces, by PID.
    for (String ns : List.of(client, server)) {
      try {
        String pids = sh("ip netns pids " + ns + " 2>/dev/null || true").trim();
        for (String pid : pids.split("\\s+")) {
          if (pid.matches("\\d+") && Long.parseLong(pid) != ProcessHandle.current().pid()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      } catch (RuntimeException e) {
        // best effort
      }
    }
    for (String ns : List.of(client, server)) {
      try {
        sh("ip netns del " + ns + " 2>/dev/null || true");
      } catch (RuntimeException e) {
        // best effort
      }
    }
  }
}
