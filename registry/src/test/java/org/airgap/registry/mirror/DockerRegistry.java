package org.airgap.registry.mirror;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (distribution 2.8) as a child process of the test: its own
 * config, storage in a temp dir, 127.0.0.1 and a free port; stopped by its own PID.
 */
final class DockerRegistry implements AutoCloseable {
  private final Process process;
  private final int port;

  private DockerRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts one with the given {@code auth:} section (YAML lines indented by two spaces, under
   * {@code auth:}) and waits until it answers.
   */
  static DockerRegistry start(Path dir, String authSection) throws Exception {
    Files.createDirectories(dir);
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path config = dir.resolve("config.yml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "version: 0.1",
              "log:",
              "  level: error",
              "  accesslog:",
              "    disabled: true",
              "storage:",
              "  filesystem:",
              "    rootdirectory: " + dir.resolve("storage"),
              "  delete:",
              "    enabled: true",
              "http:",
              "  addr: 127.0.0.1:" + port,
              "  secret: airgap-test-secret",
              "auth:",
              authSection,
              ""));
      ProcessBuilder pb =
          new ProcessBuilder("docker-registry", "serve", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("registry.log").toFile());
      // REGISTRY_* variables would override the config
      pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
      Process p = pb.start();
      DockerRegistry r = new DockerRegistry(p, port);
      try {
        r.awaitListening(Duration.ofSeconds(10));
        return r;
      } catch (IOException e) {
        last = e;
        r.close();
      }
    }
    throw new IllegalStateException("docker-registry did not start", last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitListening(Duration max) throws IOException, InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited with " + process.exitValue());
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (ConnectException e) {
        if (System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  String hostPort() {
    return "127.0.0.1:" + port;
  }

  String base() {
    return "http://" + hostPort();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
