package org.airgap.websrv.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.airgap.websrv.io.AtomicFiles;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.auth.BasicAuthCache;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.auth.BasicScheme;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a file over HTTP(S) the way big images must be fetched: streamed to a hidden temp file
 * beside the target, resumed with {@code Range} + {@code If-Range} after an interruption (in the
 * same call after a backoff, or in a later run), verified against the expected SHA-256 or SHA-512
 * (the complete file is hashed from the page cache, which also covers bytes kept from an earlier
 * run), and only then fsynced and renamed into place. A checksum mismatch leaves nothing behind.
 *
 * <p>Blocking; one download per call; safe to share between threads for different targets.
 */
public final class Downloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
  private static final int BUFFER = 1 << 20;
  private static final long PROGRESS_NANOS = 250_000_000L;

  private final DownloadOptions options;
  private CloseableHttpClient client;
  private boolean closed;

  public Downloader(DownloadOptions options) {
    this.options = options;
  }

  /** A retryable failure of one attempt. */
  private static final class Retry extends Exception {
    Retry(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** The validators a partial file was fetched with. */
  private record Meta(String source, Optional<String> etag, Optional<String> lastModified) {
    Optional<String> ifRange() {
      return etag.isPresent() ? etag : lastModified;
    }
  }

  /**
   * Downloads {@code req}; returns once the verified file is in place.
   *
   * @throws DownloadException with {@link DownloadException#kind()} saying why
   */
  public DownloadResult download(DownloadRequest req, DownloadListener listener) {
    CloseableHttpClient http = client();
    try {
      Files.createDirectories(req.target().toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new DownloadException(
          DownloadException.Kind.LOCAL_IO, "cannot create " + req.target().getParent(), e);
    }
    Duration wait = options.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(http, req, listener, attempt);
      } catch (Retry r) {
        if (attempt >= options.maxAttempts()) {
          throw new DownloadException(
              DownloadException.Kind.GAVE_UP,
              req.source() + ": gave up after " + attempt + " attempts: " + r.getMessage(),
              r.getCause());
        }
        LOG.info(
            "{}: attempt {} failed ({}), retrying in {}",
            req.source(),
            attempt,
            r.getMessage(),
            wait);
        listener.retrying(attempt, wait, r.getMessage());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DownloadException(
              DownloadException.Kind.GAVE_UP, req.source() + ": interrupted", e);
        }
        wait = wait.multipliedBy(2);
        if (wait.compareTo(options.maxBackoff()) > 0) {
          wait = options.maxBackoff();
        }
      }
    }
  }

  private DownloadResult attempt(
      CloseableHttpClient http, DownloadRequest req, DownloadListener listener, int attempt)
      throws Retry {
    Path partial = req.partial();
    Optional<Meta> meta = readMeta(req);
    long have = 0;
    try {
      if (meta.isPresent()
          && meta.get().source().equals(req.source().toString())
          && meta.get().ifRange().isPresent()
          && Files.isRegularFile(partial)) {
        have = Files.size(partial);
      } else {
        Files.deleteIfExists(partial);
        Files.deleteIfExists(req.partialMeta());
      }
    } catch (IOException e) {
      throw local(req, e);
    }
    HttpGet get = new HttpGet(req.source());
    if (have > 0) {
      get.setHeader("Range", "bytes=" + have + "-");
      get.setHeader("If-Range", meta.orElseThrow().ifRange().orElseThrow());
    }
    long offset = have;
    long[] received = new long[1];
    try {
      http.execute(
          get,
          context(req),
          response -> {
            receive(req, response, offset, listener, received);
            return null;
          });
    } catch (RetryableStatus e) {
      throw new Retry(e.getMessage(), e);
    } catch (DownloadException e) {
      throw e;
    } catch (UncheckedIOException e) {
      throw local(req, e.getCause());
    } catch (IOException e) {
      throw new Retry(e.toString(), e);
    }
    return verifyAndPlace(req, received[0], attempt, listener);
  }

  /**
   * The request's context: with credentials, HTTP Basic for the source's origin, sent preemptively
   * (as curl -u does; image servers often answer 404 rather than 401 to anonymous requests) and,
   * being scoped to that origin, never to another one a redirect leads to.
   */
  private static HttpClientContext context(DownloadRequest req) {
    HttpClientContext ctx = HttpClientContext.create();
    if (req.credentials().isPresent()) {
      DownloadRequest.Credentials c = req.credentials().get();
      HttpHost origin;
      try {
        origin = HttpHost.create(req.source());
      } catch (IllegalArgumentException e) {
        throw new DownloadException(
            DownloadException.Kind.HTTP_STATUS, req.source() + ": " + e.getMessage(), e);
      }
      UsernamePasswordCredentials upc =
          new UsernamePasswordCredentials(c.user(), c.password().toCharArray());
      BasicCredentialsProvider provider = new BasicCredentialsProvider();
      provider.setCredentials(new AuthScope(origin), upc);
      ctx.setCredentialsProvider(provider);
      BasicScheme basic = new BasicScheme();
      basic.initPreemptive(upc);
      BasicAuthCache cache = new BasicAuthCache();
      cache.put(origin, basic);
      ctx.setAuthCache(cache);
    }
    return ctx;
  }

  /** A status worth another try (5xx, 408, 429, or a resume the server did not honour well). */
  private static final class RetryableStatus extends IOException {
    RetryableStatus(String message) {
      super(message);
    }
  }

  private void receive(
      DownloadRequest req,
      ClassicHttpResponse response,
      long have,
      DownloadListener listener,
      long[] resumedFrom)
      throws IOException {
    int code = response.getCode();
    long start;
    OptionalLong total;
    if (code == 206 && have > 0) {
      Matcher m = contentRange(response);
      if (m == null || Long.parseLong(m.group(1)) != have) {
        discardPartial(req);
        throw new RetryableStatus("206 without the asked Content-Range: starting over");
      }
      start = have;
      total =
          m.group(3).equals("*")
              ? OptionalLong.empty()
              : OptionalLong.of(Long.parseLong(m.group(3)));
    } else if (code == 200) {
      start = 0;
      HttpEntity e = response.getEntity();
      total =
          e != null && e.getContentLength() >= 0
              ? OptionalLong.of(e.getContentLength())
              : OptionalLong.empty();
    } else if (code == 416 && have > 0) {
      discardPartial(req);
      throw new RetryableStatus("416 on resume: starting over");
    } else if (code == 408 || code == 429 || code >= 500) {
      throw new RetryableStatus("HTTP " + code + " " + response.getReasonPhrase());
    } else {
      throw new DownloadException(
          DownloadException.Kind.HTTP_STATUS,
          req.source() + ": HTTP " + code + " " + response.getReasonPhrase(),
          null,
          code);
    }
    resumedFrom[0] = start;
    writeMeta(req, response);
    listener.started(req.source(), start, total);
    Path partial = req.partial();
    HttpEntity entity = response.getEntity();
    try (FileChannel out =
            FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        InputStream in = entity == null ? InputStream.nullInputStream() : entity.getContent()) {
      out.truncate(start);
      out.position(start);
      byte[] buf = new byte[BUFFER];
      long done = start;
      long lastReport = System.nanoTime();
      int n;
      while ((n = in.read(buf)) >= 0) {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          out.write(bb);
        }
        done += n;
        long now = System.nanoTime();
        if (now - lastReport >= PROGRESS_NANOS) {
          listener.progress(done, total);
          lastReport = now;
        }
      }
      if (total.isPresent() && done != total.getAsLong()) {
        throw new IOException(
            "connection ended at " + done + " of " + total.getAsLong() + " bytes");
      }
      out.force(true);
      listener.progress(done, total);
    }
  }

  private DownloadResult verifyAndPlace(
      DownloadRequest req, long resumedFrom, int attempts, DownloadListener listener) {
    Path partial = req.partial();
    try {
      MessageDigest sha256 = Checksum.Algorithm.SHA256.newDigest();
      Optional<MessageDigest> other =
          req.checksum()
              .filter(c -> c.algorithm() != Checksum.Algorithm.SHA256)
              .map(c -> c.algorithm().newDigest());
      long size = digest(partial, sha256, other);
      Checksum actual = Checksum.sha256(HexFormat.of().formatHex(sha256.digest()));
      if (req.checksum().isPresent()) {
        Checksum want = req.checksum().get();
        boolean ok = other.map(d -> want.matches(d.digest())).orElse(want.equals(actual));
        if (!ok) {
          discardPartial(req);
          throw new DownloadException(
              DownloadException.Kind.CHECKSUM_MISMATCH,
              req.source()
                  + ": checksum mismatch: expected "
                  + want
                  + ", got "
                  + (other.isPresent() ? "another " + want.algorithm().label() : actual)
                  + "; nothing was kept",
              null);
        }
      }
      Path target = req.target();
      try {
        Files.move(
            partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.deleteIfExists(req.partialMeta());
      AtomicFiles.syncDirectory(target.toAbsolutePath().getParent());
      DownloadResult result = new DownloadResult(target, size, actual, resumedFrom, attempts);
      listener.finished(result);
      return result;
    } catch (IOException e) {
      throw local(req, e);
    }
  }

  /**
   * Hashes the whole partial file once it is complete. Re-reading from the page cache costs far
   * less than the network, and hashing the file rather than the stream also covers bytes kept from
   * an earlier run.
   */
  private static long digest(Path file, MessageDigest sha256, Optional<MessageDigest> other)
      throws IOException {
    long size = 0;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(BUFFER);
      while (in.read(buf) >= 0) {
        buf.flip();
        size += buf.remaining();
        sha256.update(buf.duplicate());
        if (other.isPresent()) {
          other.get().update(buf);
        }
        buf.clear();
      }
    }
    return size;
  }

  private static Matcher contentRange(ClassicHttpResponse response) {
    Header h = response.getFirstHeader("Content-Range");
    if (h == null) {
      return null;
    }
    Matcher m = CONTENT_RANGE.matcher(h.getValue().strip());
    return m.matches() ? m : null;
  }

  private static void discardPartial(DownloadRequest req) {
    try {
      Files.deleteIfExists(req.partial());
      Files.deleteIfExists(req.partialMeta());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Meta> readMeta(DownloadRequest req) {
    try {
      if (!Files.isRegularFile(req.partialMeta())) {
        return Optional.empty();
      }
      Properties p = new Properties();
      p.load(new StringReader(Files.readString(req.partialMeta(), StandardCharsets.UTF_8)));
      return Optional.of(
          new Meta(
              p.getProperty("source", ""),
              Optional.ofNullable(p.getProperty("etag")),
              Optional.ofNullable(p.getProperty("last-modified"))));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // an unreadable note means: start over
    }
  }

  /** Remembers the response's validators (a strong ETag, Last-Modified) for a later resume. */
  private static void writeMeta(DownloadRequest req, ClassicHttpResponse response) {
    Header etag = response.getFirstHeader("ETag");
    Header lm = response.getFirstHeader("Last-Modified");
    StringBuilder b = new StringBuilder();
    b.append("source=").append(escape(req.source().toString())).append('\n');
    if (etag != null && !etag.getValue().startsWith("W/")) {
      b.append("etag=").append(escape(etag.getValue())).append('\n');
    }
    if (lm != null) {
      b.append("last-modified=").append(escape(lm.getValue())).append('\n');
    }
    try {
      AtomicFiles.writeString(req.partialMeta(), b.toString(), AtomicFiles.PUBLIC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "").replace("\r", "");
  }

  private static DownloadException local(DownloadRequest req, IOException e) {
    return new DownloadException(
        DownloadException.Kind.LOCAL_IO, req.target() + ": " + e.getMessage(), e);
  }

  private synchronized CloseableHttpClient client() {
    if (closed) {
      throw new IllegalStateException("downloader is closed");
    }
    if (client == null) {
      SSLContext ctx;
      try {
        ctx =
            !options.verifyTls()
                ? Tls.trustingAnything()
                : options.sslContext().isPresent()
                    ? options.sslContext().get()
                    : SSLContext.getDefault();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      ClientTlsStrategyBuilder tls = ClientTlsStrategyBuilder.create().setSslContext(ctx);
      if (!options.verifyTls()) {
        tls.setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
      }
      client =
          HttpClients.custom()
              .setConnectionManager(
                  PoolingHttpClientConnectionManagerBuilder.create()
                      .setTlsSocketStrategy(tls.buildClassic())
                      .setDefaultConnectionConfig(
                          ConnectionConfig.custom()
                              .setConnectTimeout(Timeout.of(options.connectTimeout()))
                              .setSocketTimeout(Timeout.of(options.readTimeout()))
                              .build())
                      .build())
              .setRoutePlanner(new SystemDefaultRoutePlanner(ProxySelector.getDefault()))
              .disableAutomaticRetries()
              .disableContentCompression()
              .setUserAgent("airgap-downloader")
              .build();
    }
    return client;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      try {
        client.close();
      } catch (IOException e) {
        LOG.debug("closing the HTTP client: {}", e.toString());
      }
      client = null;
    }
  }
}
