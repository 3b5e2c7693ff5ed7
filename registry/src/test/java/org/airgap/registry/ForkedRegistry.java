package org.airgap.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link ForkedRegistryMain} in its own JVM and waits for its port; kill it by {@link
 * #process}.
 */
public final class ForkedRegistry {
  public final Process process;
  public final String base;

  private ForkedRegistry(Process process, String base) {
    this.process = process;
    this.base = base;
  }

  /**
   * A registry on {@code storage} with the users of {@code htpasswd}, its heap capped at {@code
   * maxHeap} (a JVM size such as {@code 256m}), its stderr in {@code log}, running online GCs with
   * {@code gcGraceMillis} of grace in a loop.
   */
  public static ForkedRegistry start(
      Path storage, Path htpasswd, String maxHeap, long gcGraceMillis, Path log) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java.toString(),
            "-Xmx" + maxHeap,
            "-cp",
            System.getProperty("java.class.path"),
            ForkedRegistryMain.class.getName(),
            storage.toString(),
            htpasswd.toString(),
            Long.toString(gcGraceMillis));
    pb.redirectError(log.toFile());
    Process child = pb.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return Optional.ofNullable(out.readLine()).orElse("");
                  } catch (IOException e) {
                    return "";
                  }
                })
            .get(30, TimeUnit.SECONDS);
    assertThat(line).as("forked registry: " + Files.readString(log)).startsWith("PORT ");
    return new ForkedRegistry(child, "http://127.0.0.1:" + line.substring(5).strip());
  }

  /** SIGKILL, and wait for it to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
