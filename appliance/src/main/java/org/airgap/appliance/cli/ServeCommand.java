package org.airgap.appliance.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigException;
import org.airgap.appliance.services.ManagedService;
import org.airgap.appliance.systemd.SdNotify;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code airgap serve}: starts every enabled service and runs until SIGTERM/SIGINT, then stops them
 * in reverse order.
 */
@Command(name = "serve", description = "Run the appliance (every enabled service) until stopped.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static volatile boolean served;

  @Mixin ConfigOption config;

  /** Whether this process is serving (main() then lets the JVM live). */
  public static boolean servedInThisProcess() {
    return served;
  }

  @Override
  public Integer call() throws Exception {
    AirgapConfig cfg = config.load();
    Appliance appliance = new Appliance(cfg);
    SdNotify systemd = SdNotify.fromEnvironment();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              systemd.stopping();
              appliance.close();
              systemd.close();
              stopped.countDown();
            },
            "airgap-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      appliance.start();
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      appliance.close();
      throw e;
    }
    printBanner(appliance, System.out);
    served = true;
    onSighup(() -> reload(appliance, systemd));
    systemd.ready(
        "serving: "
            + String.join(", ", appliance.services().stream().map(ManagedService::name).toList()));
    stopped.await();
    return 0;
  }

  /**
   * SIGHUP: re-read the config file and apply what can change live. A config that does not load is
   * rejected with its errors and the old one keeps serving.
   */
  private synchronized void reload(Appliance appliance, SdNotify systemd) {
    systemd.reloading();
    try {
      AirgapConfig next = config.load();
      List<String> notes = appliance.reload(next);
      notes.forEach(n -> LOG.warn("reload: {}", n));
      LOG.info("reloaded {}", config.file().map(Object::toString).orElse("the built-in defaults"));
    } catch (ConfigException e) {
      LOG.error("reload rejected, the running config stays:\n{}", String.join("\n", e.lines()));
    } catch (RuntimeException e) {
      LOG.error("reload rejected, the running config stays: {}", e.getMessage());
    } finally {
      systemd.ready("serving");
    }
  }

  @SuppressWarnings("restriction")
  private static void onSighup(Runnable action) {
    java.util.concurrent.ExecutorService worker =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "airgap-reload");
              t.setDaemon(true);
              return t;
            });
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> worker.submit(action));
    if (sighupIgnored()) {
      // the JVM keeps a signal its parent ignored (nohup, some CI runners) ignored: say so
      org.slf4j.LoggerFactory.getLogger(ServeCommand.class)
          .warn(
              "SIGHUP was ignored when this process started (nohup?): `airgap reload` and"
                  + " `systemctl reload` cannot reach it; restart it without nohup");
    }
  }

  /** Whether SIGHUP is in this process's ignored set ({@code SigIgn} of /proc/self/status). */
  static boolean sighupIgnored() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1L) != 0;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
    return false;
  }

  static void printBanner(Appliance a, PrintStream out) {
    AirgapConfig cfg = a.config();
    StringBuilder sb = new StringBuilder();
    sb.append("airgap ")
        .append(org.airgap.appliance.Version.current())
        .append(" ready in ")
        .append(a.startupTime().toMillis())
        .append(" ms, data dir ")
        .append(cfg.dataDir().toAbsolutePath().normalize())
        .append('\n');
    for (ManagedService s : a.services()) {
      sb.append(String.format("  %-9s %s", s.name(), String.join(" ", s.urls())));
      sb.append("  (listening on ")
          .append(
              String.join(
                  ", ",
                  s.addresses().stream()
                      .map(
                          x ->
                              org.airgap.appliance.config.Addresses.hostPort(
                                  org.airgap.appliance.config.Addresses.text(x.getAddress()),
                                  x.getPort()))
                      .toList()))
          .append(")\n");
    }
    sb.append(
        String.format(
            "  %-9s %s  (SHA-256 %s)%n",
            "CA",
            a.context().pki().caFile().toAbsolutePath().normalize(),
            a.context().pki().caFingerprint()));
    if (a.generatedPassword().isPresent()) {
      sb.append(
          String.format(
              "  %-9s user %s, password %s  (saved in %s; shown only this once)%n",
              "login",
              Appliance.FIRST_USER,
              a.generatedPassword().get(),
              cfg.dataDir().resolve("admin-password").toAbsolutePath().normalize()));
    } else {
      sb.append(
          String.format(
              "  %-9s users in %s (airgap user list)%n",
              "login", cfg.htpasswd().toAbsolutePath().normalize()));
    }
    out.print(sb);
    out.flush();
  }
}
