package org.airgap.appliance.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Whether the service user can read every file the config names ({@code airgap verify}): the
 * cluster spec's pull secret, SSH key, hub kubeconfig and BMC secrets, the user-supplied
 * certificates and the dnsmasq files. The daemon runs as the systemd unit's {@code User=} with its
 * {@code Group=} and {@code SupplementaryGroups=}, while {@code verify} often runs as root, who
 * reads everything: as root, each path is checked by a child that takes the service user's uid, gid
 * and groups ({@code setpriv}) and asks the kernel ({@code test -r}), so mode, owner, group, ACLs
 * and every folder on the way count exactly as they will for the daemon.
 */
public final class ServiceAccess {
  /** Where install.sh puts the unit, and where an administrator may override it. */
  public static final List<Path> UNITS =
      List.of(
          Path.of("/etc/systemd/system/airgap.service"),
          Path.of("/usr/lib/systemd/system/airgap.service"),
          Path.of("/lib/systemd/system/airgap.service"));

  /** The user the daemon runs as, its group and supplementary groups, and where that came from. */
  public record Account(
      String user, Optional<String> group, List<String> supplementary, String source) {
    public Account {
      supplementary = List.copyOf(supplementary);
    }
  }

  /** A path the config names, by key path ({@code cluster.pull-secret}). */
  public record Named(String key, Path path) {}

  private ServiceAccess() {}

  /** {@code USER[:GROUP]} as given on the command line. */
  public static Account given(String spec) {
    int colon = spec.indexOf(':');
    return colon < 0
        ? new Account(spec, Optional.empty(), List.of(), "--as-user")
        : new Account(
            spec.substring(0, colon),
            Optional.of(spec.substring(colon + 1)),
            List.of(),
            "--as-user");
  }

  /** {@code User=}, {@code Group=} and {@code SupplementaryGroups=} of a unit file. */
  public static Optional<Account> ofUnit(Path unit) {
    List<String> lines;
    try {
      lines = Files.readAllLines(unit, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    String user = null;
    String group = null;
    List<String> groups = new ArrayList<>();
    for (String raw : lines) {
      String l = raw.strip();
      if (l.startsWith("User=")) {
        user = l.substring(5).strip();
      } else if (l.startsWith("Group=")) {
        group = l.substring(6).strip();
      } else if (l.startsWith("SupplementaryGroups=")) {
        String v = l.substring(20).strip();
        if (v.isEmpty()) {
          groups.clear(); // an empty assignment resets the list, as systemd does
        } else {
          groups.addAll(List.of(v.split("\\s+")));
        }
      }
    }
    if (user == null || user.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Account(
            user, Optional.ofNullable(group).filter(g -> !g.isEmpty()), groups, unit.toString()));
  }

  /**
   * The account to check as: {@code --as-user}, else the first installed unit's {@code User=}, else
   * — when running as root — {@code airgap} if that user exists; empty: check as the current user.
   */
  public static Optional<Account> resolve(Optional<String> asUser, List<Path> units) {
    if (asUser.isPresent()) {
      return Optional.of(given(asUser.get()));
    }
    for (Path u : units) {
      Optional<Account> a = ofUnit(u);
      if (a.isPresent()) {
        return a;
      }
    }
    if (isRoot() && exists("airgap")) {
      return Optional.of(new Account("airgap", Optional.of("airgap"), List.of(), "default"));
    }
    return Optional.empty();
  }

  /** Every file the config names that the daemon reads. */
  public static List<Named> paths(AirgapConfig c) {
    List<Named> out = new ArrayList<>();
    ClusterSection s = c.cluster();
    if (!s.hosted().isEmpty()) {
      add(out, "cluster.pull-secret", s.pullSecret());
      add(out, "cluster.ssh-key", s.sshKey());
      add(out, "cluster.hub.kubeconfig", s.hub().kubeconfig());
      for (int i = 0; i < s.hosted().size(); i++) {
        List<ClusterSection.Host> hosts = s.hosted().get(i).workers().hosts();
        for (int w = 0; w < hosts.size(); w++) {
          add(
              out,
              "cluster.hosted[" + i + "].workers[" + w + "].bmc-secret",
              hosts.get(w).bmcSecret());
        }
      }
    }
    for (Map.Entry<String, CertificatesSection.CertificateFiles> e :
        c.certificates().services().entrySet()) {
      add(out, "certificates." + e.getKey() + ".cert", e.getValue().cert());
      add(out, "certificates." + e.getKey() + ".key", e.getValue().key());
    }
    List<Path> dnsmasq = c.dnsmasq().confFiles();
    for (int i = 0; i < dnsmasq.size(); i++) {
      add(out, "dnsmasq.conf-files[" + i + "]", dnsmasq.get(i));
    }
    return out;
  }

  private static void add(List<Named> out, String key, Path p) {
    if (p != null) {
      out.add(new Named(key, p));
    }
  }

  /**
   * The problems, by key path, of every path {@code account} cannot read; {@code notes} gets what
   * could not be checked.
   */
  public static Problems unreadable(AirgapConfig c, Account account, List<String> notes) {
    Problems p = new Problems();
    List<Named> paths = paths(c);
    if (paths.isEmpty()) {
      return p;
    }
    String me = System.getProperty("user.name");
    if (account.user().equals(me) && account.group().isEmpty()) {
      for (Named n : paths) {
        if (!Files.isReadable(n.path())) {
          p.add(n.key(), n.path() + " is not readable by " + me, "");
        }
      }
      return p;
    }
    if (!isRoot()) {
      notes.add(
          "not root: cannot check the files as "
              + account.user()
              + " ("
              + account.source()
              + "); checked as "
              + me);
      return p;
    }
    if (!exists(account.user())) {
      p.add(
          paths.get(0).key(),
          "the service user " + account.user() + " (" + account.source() + ") does not exist",
          "install.sh creates it, or check as another user with --as-user");
      return p;
    }
    String group = account.group().orElseGet(() -> output("id", "-gn", "--", account.user()));
    Set<String> groups = new LinkedHashSet<>();
    groups.addAll(List.of(output("id", "-Gn", "--", account.user()).split("\\s+")));
    for (String g : account.supplementary()) {
      if (run(List.of("getent", "group", g)).exit() == 0) {
        groups.add(g);
      } else {
        notes.add("SupplementaryGroups " + g + " (" + account.source() + ") does not exist");
      }
    }
    groups.removeIf(String::isBlank);
    List<String> cmd = new ArrayList<>();
    cmd.add("setpriv");
    cmd.add("--reuid=" + account.user());
    cmd.add("--regid=" + group);
    if (groups.isEmpty()) {
      cmd.add("--clear-groups");
    } else {
      cmd.add("--groups=" + String.join(",", groups));
    }
    cmd.addAll(
        List.of(
            "--", "/bin/sh", "-c", "for p do [ -r \"$p\" ] || printf '%s\\n' \"$p\"; done", "sh"));
    paths.forEach(n -> cmd.add(n.path().toString()));
    Result r = run(cmd);
    if (r.exit() != 0) {
      throw new IllegalStateException(
          "cannot check the files as "
              + account.user()
              + ": "
              + String.join(" ", cmd)
              + ": "
              + r.out());
    }
    Set<String> denied = new LinkedHashSet<>(r.out().lines().toList());
    String who = account.user() + (group.isEmpty() ? "" : ":" + group);
    for (Named n : paths) {
      if (denied.contains(n.path().toString())) {
        p.add(
            n.key(),
            n.path()
                + " is not readable by the service user "
                + who
                + " ("
                + account.source()
                + ")",
            "chgrp "
                + group
                + " "
                + n.path()
                + " && chmod g+r "
                + n.path()
                + ", and let "
                + who
                + " through every folder above it");
      }
    }
    return p;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"))
        || ProcessHandle.current().info().user().map("root"::equals).orElse(false);
  }

  static boolean exists(String user) {
    return run(List.of("id", "-u", "--", user)).exit() == 0;
  }

  private record Result(int exit, String out) {}

  private static String output(String... cmd) {
    Result r = run(List.of(cmd));
    if (r.exit() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + r.out().strip());
    }
    return r.out().strip();
  }

  private static Result run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(cmd.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
