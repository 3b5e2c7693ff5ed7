package org.airgap.registry.mirror;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * How the registry client connects.
 *
 * @param credentials explicit credentials per registry ({@code host[:port]}); they win over the
 *     auth files
 * @param authFiles credentials read from the containers auth files
 * @param tls trust for HTTPS ({@link Trust#context}); empty: the JDK's
 * @param insecure registries reached without TLS verification, over plain HTTP when they do not
 *     speak TLS (skopeo's {@code --tls-verify=false})
 * @param maxAttempts attempts per request on 5xx, 429, 408 and dropped connections
 * @param initialBackoff wait before the second attempt, doubling up to {@code maxBackoff}
 * @param maxBackoff the longest wait
 * @param connectTimeout TCP and TLS connect timeout
 * @param readTimeout the longest silence while reading
 * @param chunkSize blobs above it are uploaded in PATCH chunks of this size (resumable); smaller
 *     ones in one PUT
 * @param proxy HTTPS_PROXY / HTTP_PROXY / NO_PROXY as read from the environment
 */
public record ClientOptions(
    Map<String, Credentials> credentials,
    AuthFiles authFiles,
    Optional<SSLContext> tls,
    Set<String> insecure,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration readTimeout,
    long chunkSize,
    EnvProxy proxy) {

  public ClientOptions {
    credentials = Map.copyOf(credentials);
    insecure = Set.copyOf(insecure);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (chunkSize < 1 << 20) {
      throw new IllegalArgumentException("chunkSize must be at least 1 MiB");
    }
  }

  /** 5 attempts, 0.5 s doubling to 15 s, 30 s timeouts, 256 MiB chunks, no credentials. */
  public static ClientOptions defaults() {
    return new ClientOptions(
        Map.of(),
        AuthFiles.none(),
        Optional.empty(),
        Set.of(),
        5,
        Duration.ofMillis(500),
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        256L << 20,
        EnvProxy.none());
  }

  public ClientOptions withCredentials(String registry, Credentials c) {
    Map<String, Credentials> m = new java.util.HashMap<>(credentials);
    m.put(registry, c);
    return new ClientOptions(
        m,
        authFiles,
        tls,
        insecure,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        readTimeout,
        chunkSize,
        proxy);
  }

  public ClientOptions withAuthFiles(AuthFiles files) {
    return new ClientOptions(
        credentials,
        files,
        tls,
        insecure,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        readTimeout,
        chunkSize,
        proxy);
  }

  public ClientOptions withTls(SSLContext context) {
    return new ClientOptions(
        credentials,
        authFiles,
        Optional.of(context),
        insecure,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        readTimeout,
        chunkSize,
        proxy);
  }

  public ClientOptions withInsecure(Set<String> registries) {
    return new ClientOptions(
        credentials,
        authFiles,
        tls,
        registries,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        readTimeout,
        chunkSize,
        proxy);
  }

  public ClientOptions withRetries(int attempts, Duration initial, Duration max) {
    return new ClientOptions(
        credentials,
        authFiles,
        tls,
        insecure,
        attempts,
        initial,
        max,
        connectTimeout,
        readTimeout,
        chunkSize,
        proxy);
  }

  public ClientOptions withTimeouts(Duration connect, Duration read) {
    return new ClientOptions(
        credentials,
        authFiles,
        tls,
        insecure,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connect,
        read,
        chunkSize,
        proxy);
  }

  public ClientOptions withChunkSize(long bytes) {
    return new ClientOptions(
        credentials,
        authFiles,
        tls,
        insecure,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        readTimeout,
        bytes,
        proxy);
  }

  public ClientOptions withProxy(EnvProxy p) {
    return new ClientOptions(
        credentials,
        authFiles,
        tls,
        insecure,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        readTimeout,
        chunkSize,
        p);
  }

  /** Explicit credentials, else the auth files'. */
  public Optional<Credentials> credentialsFor(String registry) {
    Credentials c = credentials.get(registry);
    return c != null ? Optional.of(c) : authFiles.forRegistry(registry);
  }
}
