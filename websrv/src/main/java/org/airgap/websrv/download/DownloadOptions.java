package org.airgap.websrv.download;

import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How the downloader behaves.
 *
 * @param maxAttempts attempts per download, the first included (resumed where the last stopped)
 * @param initialBackoff the wait before the second attempt; doubled each time up to {@code
 *     maxBackoff}
 * @param maxBackoff the longest wait between attempts
 * @param connectTimeout TCP (and TLS) connect timeout
 * @param readTimeout the longest silence while reading a response
 * @param sslContext trust for HTTPS (for a custom CA: {@link Tls#trusting}); empty: the JDK's
 * @param verifyTls false accepts any certificate and host name (for a lab mirror only)
 */
public record DownloadOptions(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration readTimeout,
    Optional<SSLContext> sslContext,
    boolean verifyTls) {

  public DownloadOptions {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must be 0 <= initial <= max");
    }
  }

  /** 5 attempts, 1 s doubling to 30 s, 30 s connect and read timeouts, the JDK's trust. */
  public static DownloadOptions defaults() {
    return new DownloadOptions(
        5,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        Optional.empty(),
        true);
  }

  public DownloadOptions withAttempts(int attempts, Duration initial, Duration max) {
    return new DownloadOptions(
        attempts, initial, max, connectTimeout, readTimeout, sslContext, verifyTls);
  }

  public DownloadOptions withTimeouts(Duration connect, Duration read) {
    return new DownloadOptions(
        maxAttempts, initialBackoff, maxBackoff, connect, read, sslContext, verifyTls);
  }

  public DownloadOptions withTrust(SSLContext context) {
    return new DownloadOptions(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        readTimeout,
        Optional.of(context),
        verifyTls);
  }

  public DownloadOptions withoutTlsVerification() {
    return new DownloadOptions(
        maxAttempts, initialBackoff, maxBackoff, connectTimeout, readTimeout, sslContext, false);
  }
}
