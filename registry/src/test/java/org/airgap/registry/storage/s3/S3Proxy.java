package org.airgap.registry.storage.s3;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real S3 server for tests: s3proxy's jar-with-dependencies (copied to {@code target/s3proxy/} by
 * the build) as a child process on 127.0.0.1, port 0 (read back from its log), the {@code
 * filesystem-nio2} backend in a temp folder, SigV4. Stopped by its own PID; {@link #stop} then
 * {@link #start} again brings it back on the same port and folder (an endpoint outage). One shared
 * instance per test JVM ({@link #shared}); each test takes its own prefix.
 */
public final class S3Proxy implements AutoCloseable {
  public static final String ACCESS_KEY = "airgap-test";
  public static final String SECRET_KEY = "airgap-test-secret";
  public static final String BUCKET = "airgap";
  private static final Pattern STARTED =
      Pattern.compile("Started ServerConnector.*\\{127\\.0\\.0\\.1:(\\d+)\\}");

  private static S3Proxy shared;

  private final Path dir;
  private Process process;
  private int port;

  private S3Proxy(Path dir) {
    this.dir = dir;
  }

  /** The one instance of this JVM, started on first use, stopped when the JVM exits. */
  public static synchronized S3Proxy shared() throws IOException {
    if (shared == null) {
      S3Proxy p = new S3Proxy(Files.createTempDirectory("airgap-s3proxy"));
      p.start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::close));
      shared = p;
    }
    return shared;
  }

  /** A new instance of its own (for tests that stop and restart the endpoint). */
  public static S3Proxy startNew(Path dir) throws IOException {
    S3Proxy p = new S3Proxy(dir);
    p.start();
    return p;
  }

  static Path jar() {
    try {
      Path classes =
          Path.of(S3Proxy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path jar = classes.getParent().resolve("s3proxy/s3proxy.jar");
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " missing: run the build (maven-dependency-plugin)");
      }
      return jar;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve(BUCKET));
    Path props = dir.resolve("s3proxy.conf");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem-nio2",
            "jclouds.filesystem.basedir=" + data,
            "jclouds.identity=" + ACCESS_KEY,
            "jclouds.credential=" + SECRET_KEY,
            ""),
        StandardCharsets.UTF_8);
    Path log = dir.resolve("s3proxy.log");
    Files.deleteIfExists(log);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process =
        new ProcessBuilder(
                java, "-Xmx384m", "-jar", jar().toString(), "--properties", props.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("s3proxy exited: " + tail(log));
      }
      Optional<Integer> p = startedPort(log);
      if (p.isPresent()) {
        port = p.get();
        return;
      }
      sleep(100);
    }
    close();
    throw new IOException("s3proxy did not start in 60 s: " + tail(log));
  }

  private static Optional<Integer> startedPort(Path log) throws IOException {
    if (!Files.exists(log)) {
      return Optional.empty();
    }
    Matcher m = STARTED.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  private static String tail(Path log) throws IOException {
    String s = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }

  /** Stops the server (SIGTERM by PID, then SIGKILL); {@link #start} brings it back. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return port;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The folder of the bucket (filesystem-nio2 keeps objects as files). */
  public Path bucketDir() {
    return dir.resolve("data").resolve(BUCKET);
  }

  /** Settings for this server and a fresh prefix (a test's own part of the bucket). */
  public S3Settings settings(String prefix) {
    return new S3Settings(
        endpoint(), BUCKET, prefix, "us-east-1", Optional.empty(), ACCESS_KEY, SECRET_KEY);
  }

  public S3Settings freshSettings() {
    return settings("t-" + UUID.randomUUID().toString().substring(0, 8) + "/");
  }

  /** A bucket client with a fresh prefix, probed. */
  public S3Bucket freshBucket() throws IOException {
    S3Bucket b = S3Bucket.connect(freshSettings());
    if (b.check().isPresent()) {
      throw new IOException("s3proxy not reachable: " + b.problem().get());
    }
    return b;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    stop();
  }
}
