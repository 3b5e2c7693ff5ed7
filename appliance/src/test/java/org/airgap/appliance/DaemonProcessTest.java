package org.airgap.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airgap serve} as a real process: ready, SIGTERM, a taken port, a second daemon. */
class DaemonProcessTest {
  private static final Pattern ADMIN = Pattern.compile("^\\s+admin\\s+(http://\\S+/)");

  /** A running {@code airgap serve} child and what it printed. */
  public record Daemon(Process process, List<String> out, CompletableFuture<String> err) {}

  static Daemon launch(Path config) throws Exception {
    return launch(config, java.util.Map.of());
  }

  static Daemon launch(Path config, java.util.Map<String, String> env) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            // SIGHUP back to its default: a runner started under nohup passes it on ignored, and
            // the JVM then never sees the reloads these tests send
            "env",
            "--default-signal=HUP",
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--config",
            config.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (Exception e) {
                return e.toString();
              }
            });
    return new Daemon(p, new ArrayList<>(), err);
  }

  /** Reads stdout until the banner's admin line; returns the admin URL. */
  static String awaitReady(Daemon d) throws Exception {
    BufferedReader r =
        new BufferedReader(
            new InputStreamReader(d.process().getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String line;
                String admin = "";
                while ((line = r.readLine()) != null) {
                  d.out().add(line);
                  Matcher m = ADMIN.matcher(line);
                  if (m.find()) {
                    admin = m.group(1);
                  }
                  if (line.startsWith("  login")) {
                    return admin; // the banner's last line
                  }
                }
                return "";
              } catch (Exception e) {
                return "";
              }
            });
    String admin = url.get(180, TimeUnit.SECONDS); // a loaded 2-core machine
    assertThat(admin).as("banner: %s, stderr: %s", d.out(), d.err().getNow("")).isNotEmpty();
    return admin;
  }

  @Test
  void sigtermStopsEverythingWithinTenSeconds(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("airgap.yaml");
    Files.writeString(cfg, TestSites.yaml(dir.resolve("var")));
    Daemon d = launch(cfg);
    try {
      String admin = awaitReady(d);
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(admin + "readyz")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(String.join("\n", d.out()))
          .contains("registry  https://registry.example.com:", "password ");

      // airgap status reads the same API
      String port = admin.replaceAll(".*:(\\d+)/$", "$1");
      Path statusCfg = dir.resolve("status.yaml");
      Files.writeString(
          statusCfg,
          TestSites.yaml(dir.resolve("var"))
              .replace(
                  "admin: { listen: [\"127.0.0.1:0\"] }",
                  "admin: { listen: [\"127.0.0.1:" + port + "\"] }"));
      org.airgap.appliance.cli.CliTest.Run status =
          org.airgap.appliance.cli.CliTest.run("", "status", "--config", statusCfg.toString());
      assertThat(status.code()).as(status.err()).isZero();
      assertThat(status.out())
          .contains("ready", "registry  running", "https://registry.example.com:");

      long t0 = System.nanoTime();
      d.process().destroy(); // SIGTERM
      assertThat(d.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).isLessThan(10_000);
      assertThat(d.process().exitValue()).isIn(0, 143);
    } finally {
      d.process().destroyForcibly();
    }
  }

  @Test
  void aTakenPortExitsNonZeroWithOneLine(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Path cfg = dir.resolve("airgap.yaml");
      Files.writeString(
          cfg,
          TestSites.yaml(dir.resolve("var"))
              .replace(
                  "websrv: { listen: [\"127.0.0.1:0\"] }",
                  "websrv: { listen: [\"127.0.0.1:" + port + "\"] }"));
      Daemon d = launch(cfg);
      assertThat(d.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(d.process().exitValue()).isEqualTo(1);
      String[] lines = d.err().get(10, TimeUnit.SECONDS).strip().split("\n");
      String last = lines[lines.length - 1];
      assertThat(last)
          .startsWith("airgap: websrv: ")
          .contains("127.0.0.1:" + port)
          .containsIgnoringCase("in use");
    }
  }

  @Test
  void aSecondDaemonOnTheSameDataDirExitsAtOnce(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("airgap.yaml");
    Files.writeString(cfg, TestSites.yaml(dir.resolve("var")));
    Daemon first = launch(cfg);
    try {
      awaitReady(first);
      long t0 = System.nanoTime();
      Daemon second = launch(cfg);
      assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(15_000);
      assertThat(second.process().exitValue()).isEqualTo(1);
      assertThat(second.err().get(10, TimeUnit.SECONDS))
          .contains("is in use by another airgap daemon (pid " + first.process().pid() + ")");
      assertThat(first.process().isAlive()).isTrue();
    } finally {
      first.process().destroy();
      first.process().waitFor(10, TimeUnit.SECONDS);
      first.process().destroyForcibly();
    }
  }
}
