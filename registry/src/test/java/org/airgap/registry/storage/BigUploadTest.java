package org.airgap.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.airgap.registry.ForkedRegistry;
import org.airgap.registry.RegistryFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-GB layers in a registry of its own JVM whose heap is capped at 64 MiB: a 10 GB body streams
 * through with the process's memory flat (nothing of the body is held, or the heap would run out),
 * and an upload that stalls mid-body is not cut by a read timeout.
 */
class BigUploadTest {
  static final long TEN_GB = 10_000_000_000L;

  @TempDir Path dir;
  ForkedRegistry reg;
  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  @BeforeEach
  void start() throws Exception {
    Path htpasswd = RegistryFixture.writeUsers(dir.resolve("htpasswd"));
    reg =
        ForkedRegistry.start(
            dir.resolve("registry"), htpasswd, "64m", 1000, dir.resolve("registry.log"));
  }

  @AfterEach
  void stop() throws Exception {
    reg.kill();
  }

  @Test
  void tenGigabytesStreamWithMemoryFlat() throws Exception {
    String loc = startUpload();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    AtomicLong sent = new AtomicLong();
    InputStream body = new Generated(TEN_GB, sha, sent);
    CompletableFuture<HttpResponse<String>> patch =
        http.sendAsync(
            request(loc)
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/octet-stream")
                .method(
                    "PATCH",
                    BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), TEN_GB))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long afterFirstGb = -1;
    long most = 0;
    while (!patch.isDone()) {
      long rss = rssBytes();
      if (afterFirstGb < 0 && sent.get() >= 1_000_000_000L) {
        afterFirstGb = rss;
      } else if (afterFirstGb >= 0) {
        most = Math.max(most, rss);
      }
      Thread.sleep(200);
    }
    HttpResponse<String> patched = patch.get();
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(202);
    assertThat(patched.headers().firstValue("Range")).hasValue("0-" + (TEN_GB - 1));
    assertThat(afterFirstGb).as("sampled once the first GB was in").isPositive();
    System.out.printf(
        "10 GB PATCH: registry RSS %d MiB after 1 GB, at most %d MiB after%n",
        afterFirstGb >> 20, most >> 20);
    assertThat(most - afterFirstGb)
        .as(
            "RSS growth from 1 GB to 10 GB (at 1 GB: %d MiB, most: %d MiB)",
            afterFirstGb >> 20, most >> 20)
        .isLessThan(64L << 20);

    String digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
    HttpResponse<String> put =
        http.send(
            request(loc + (loc.contains("?") ? "&" : "?") + "digest=" + digest)
                .timeout(Duration.ofMinutes(5))
                .PUT(BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    HttpResponse<Void> head =
        http.send(
            request("/v2/big/layer/blobs/" + digest)
                .method("HEAD", BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(TEN_GB);
  }

  @Test
  void anUploadThatStallsMidBodyIsNotCut() throws Exception {
    String loc = startUpload();
    byte[] half = new byte[1 << 20];
    new Random(7).nextBytes(half);
    URI u = URI.create(reg.base).resolve(loc);
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("PATCH "
                  + u.getRawPath()
                  + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())
                  + " HTTP/1.1\r\nHost: "
                  + u.getHost()
                  + ":"
                  + u.getPort()
                  + "\r\nAuthorization: "
                  + RegistryFixture.basic(RegistryFixture.USER, RegistryFixture.PASSWORD)
                  + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                  + 2 * half.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(half);
      out.flush();
      Thread.sleep(TimeUnit.SECONDS.toMillis(8)); // a client stuck on a slow disk or a VPN
      out.write(half);
      out.flush();
      byte[] head = new byte[512];
      int n = s.getInputStream().read(head);
      String reply = new String(head, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
      assertThat(reply).startsWith("HTTP/1.1 202").contains("Range: 0-" + (2 * half.length - 1));
    }
  }

  private String startUpload() throws Exception {
    HttpResponse<String> post =
        http.send(
            request("/v2/big/layer/blobs/uploads/").POST(BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(202);
    return post.headers().firstValue("Location").orElseThrow();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(reg.base).resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header(
            "Authorization", RegistryFixture.basic(RegistryFixture.USER, RegistryFixture.PASSWORD));
  }

  private long rssBytes() throws Exception {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(reg.process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for " + reg.process.pid());
  }

  /**
   * {@code size} bytes that differ block by block (a 1 MiB random block with its block number
   * written in), hashed and counted as they are read.
   */
  private static final class Generated extends InputStream {
    private final long size;
    private final MessageDigest sha;
    private final AtomicLong sent;
    private final byte[] block = new byte[1 << 20];
    private long pos;

    Generated(long size, MessageDigest sha, AtomicLong sent) {
      this.size = size;
      this.sha = sha;
      this.sent = sent;
      new Random(42).nextBytes(block);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int at = (int) (pos % block.length);
      if (at == 0) {
        long k = pos / block.length;
        for (int i = 0; i < 8; i++) {
          block[i] = (byte) (k >>> (8 * i));
        }
      }
      int n = (int) Math.min(Math.min(len, block.length - at), size - pos);
      System.arraycopy(block, at, b, off, n);
      sha.update(b, off, n);
      pos += n;
      sent.set(pos);
      return n;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }
}
