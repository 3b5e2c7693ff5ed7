package org.airgap.dhcp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, for DHCP tests that must never touch the host: the
 * server side holds {@code 10.99.0.1/24} (and {@code fd99::1/64}), the client side starts without
 * an address. Code runs in a namespace either in this JVM ({@link #call}: a fresh thread that
 * {@code setns}es into it; sockets it opens and threads it starts stay there) or as a child process
 * ({@link #start}). {@link #close} kills every child by PID and deletes both namespaces, which
 * removes the veth.
 */
public final class NetnsHarness implements AutoCloseable {
  public static final String SERVER_ADDRESS = "10.99.0.1";

  public final String server;
  public final String client;
  public final String serverIf;
  public final String clientIf;
  private final List<Process> processes = new ArrayList<>();

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

  /** Runs {@code task} on a thread inside {@code ns}: its sockets and threads stay there. */
  public <T> T call(String ns, Callable<T> task) {
    FutureTask<T> f =
        new FutureTask<>(
            () -> {
              int fd = open("/run/netns/" + ns, 0x80000); // O_RDONLY | O_CLOEXEC
              try {
                setns(fd, 0x40000000); // CLONE_NEWNET
              } finally {
                close(fd);
              }
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

  /** Kills every child process, deletes both namespaces; never throws. */
  @Override
  public void close() {
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
