package org.airgap.appliance.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.airgap.appliance.config.AirgapConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code airgap reload}: asks the running daemon of this data dir to re-read its config, htpasswd,
 * dnsmasq files and certificates (SIGHUP, as {@code systemctl reload} sends).
 */
@Command(name = "reload", description = "Make the running daemon re-read its config (SIGHUP).")
public final class ReloadCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    AirgapConfig cfg = config.load();
    Path lock = cfg.dataDir().resolve("airgap.lock");
    String pid;
    try {
      pid = Files.readString(lock, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      System.err.println("airgap: no daemon has run on " + cfg.dataDir());
      return 1;
    }
    if (pid.isEmpty()
        || ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)
            == false) {
      System.err.println("airgap: no daemon is running on " + cfg.dataDir());
      return 1;
    }
    Process kill = new ProcessBuilder("kill", "-HUP", pid).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      System.err.println("airgap: cannot signal pid " + pid);
      return 1;
    }
    System.err.println("sent SIGHUP to airgap (pid " + pid + "); see its log for the result");
    return 0;
  }
}
