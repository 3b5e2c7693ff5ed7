package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RepoName;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OCI distribution client on Apache HttpClient 5 for many registries at once: one keep-alive
 * pool, per-registry scheme and auth state. Auth follows the registry's {@code WWW-Authenticate}
 * challenge: Basic with the registry's credentials, or Bearer tokens from the realm (with {@code
 * service} and {@code scope}, cached per scope until they expire). Requests with a repeatable body
 * are retried with backoff on 5xx, 429, 408 and dropped connections; streamed bodies are resumed by
 * the caller ({@link BlobCopier}). Redirects of GET/HEAD are followed by hand, without the
 * Authorization header when the host changes. Thread-safe.
 */
public final class RegistryClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PARAM =
      Pattern.compile("([A-Za-z_]+)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]*))");

  /** What the client accepts for manifests. */
  public static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private final ClientOptions options;
  private final CloseableHttpClient http;
  private final PoolingHttpClientConnectionManager pool;
  private final Map<String, String> bases = new ConcurrentHashMap<>();
  private final Map<String, Boolean> pinged = new ConcurrentHashMap<>();
  private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  /** A small response: status, headers (lower-case names, first value), body bytes. */
  public record Reply(int code, Map<String, String> headers, List<String> challenges, byte[] body) {
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** An open blob body; closing releases the connection. */
  public record BlobStream(InputStream body, long offset, ClassicHttpResponse response)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        response.close();
      } catch (IOException ignored) {
        // closing a dropped connection
      }
    }
  }

  private record Challenge(String scheme, Map<String, String> params) {}

  private record Token(String value, long expiresAtNanos) {}

  /** A retryable failure of one attempt. */
  private static final class Retryable extends IOException {
    Retryable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public RegistryClient(ClientOptions options) {
    this.options = options;
    SSLContext verified = options.tls().orElseGet(RegistryClient::jdkDefault);
    ClientTlsStrategyBuilder tls = ClientTlsStrategyBuilder.create().setSslContext(verified);
    // insecure registries get their own trust-all strategy per route below
    this.pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setTlsSocketStrategy(
                new PerHostTls(
                    tls.buildClassic(),
                    ClientTlsStrategyBuilder.create()
                        .setSslContext(TrustAll.context())
                        .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                        .buildClassic(),
                    options.insecure()))
            .setMaxConnTotal(128)
            .setMaxConnPerRoute(64)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.of(options.connectTimeout()))
                    .setSocketTimeout(Timeout.of(options.readTimeout()))
                    .build())
            .build();
    this.http =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setRoutePlanner(new ProxyRoutePlanner(options.proxy()))
            .disableAutomaticRetries()
            .disableContentCompression()
            .disableRedirectHandling()
            .disableCookieManagement()
            .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false).build())
            .setUserAgent("airgap-mirror")
            .build();
  }

  private static SSLContext jdkDefault() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public ClientOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- endpoints

  /** GET a manifest by tag or digest; empty on 404. */
  public Optional<Reply> getManifest(String registry, RepoName repo, String reference) {
    Reply r =
        send(
            registry,
            repo,
            "pull",
            "GET",
            "/v2/" + repo + "/manifests/" + reference,
            Map.of("Accept", MANIFEST_ACCEPT),
            Optional.empty());
    if (r.code() == 404) {
      return Optional.empty();
    }
    expect(r, registry, repo, "manifest " + reference, 200);
    return Optional.of(r);
  }

  /** HEAD a manifest: whether it exists. */
  public boolean manifestExists(String registry, RepoName repo, String reference) {
    Reply r =
        send(
            registry,
            repo,
            "pull",
            "HEAD",
            "/v2/" + repo + "/manifests/" + reference,
            Map.of("Accept", MANIFEST_ACCEPT),
            Optional.empty());
    if (r.code() == 404) {
      return false;
    }
    expect(r, registry, repo, "manifest " + reference, 200);
    return true;
  }

  /** PUT a manifest under a tag or its digest. */
  public void putManifest(
      String registry, RepoName repo, String reference, String mediaType, byte[] body) {
    Reply r =
        send(
            registry,
            repo,
            "pull,push",
            "PUT",
            "/v2/" + repo + "/manifests/" + reference,
            Map.of(),
            Optional.of(new ByteArrayEntity(body, ContentType.parse(mediaType))));
    expect(r, registry, repo, "manifest " + reference, 201, 200);
  }

  /** HEAD a blob: whether the repository has it. */
  public boolean blobExists(String registry, RepoName repo, Digest digest) {
    Reply r =
        send(
            registry,
            repo,
            "pull",
            "HEAD",
            "/v2/" + repo + "/blobs/" + digest,
            Map.of(),
            Optional.empty());
    if (r.code() == 404) {
      return false;
    }
    expect(r, registry, repo, "blob " + digest, 200);
    return true;
  }

  /**
   * Opens a blob for reading from {@code offset} (a Range request when above 0; a server that
   * ignores the range is skipped forward). Retries the opening; the caller reads and closes.
   */
  public BlobStream openBlob(String registry, RepoName repo, Digest digest, long offset) {
    String path = "/v2/" + repo + "/blobs/" + digest;
    Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
    String what = registry + "/" + repo + ": blob " + digest;
    return retrying(
        what,
        () -> {
          URI uri = URI.create(base(registry) + path);
          for (int hop = 0; hop < 5; hop++) {
            HttpUriRequestBase req = new HttpUriRequestBase("GET", uri);
            headers.forEach(req::setHeader);
            if (hop == 0 || sameOrigin(uri, registry)) {
              authorize(req, registry, repo, "pull");
            }
            ClassicHttpResponse resp = execute(req);
            int code = resp.getCode();
            if (code == 401
                && hop == 0
                && learn(challengesOf(resp), registry, req.containsHeader("Authorization"))) {
              EntityUtils.consumeQuietly(resp.getEntity());
              resp.close();
              hop = -1;
              continue;
            }
            if (code >= 300 && code < 400 && resp.getFirstHeader("Location") != null) {
              uri = uri.resolve(resp.getFirstHeader("Location").getValue());
              EntityUtils.consumeQuietly(resp.getEntity());
              resp.close();
              continue;
            }
            if (code == 206 || code == 200) {
              InputStream in =
                  resp.getEntity() == null
                      ? InputStream.nullInputStream()
                      : resp.getEntity().getContent();
              if (code == 200 && offset > 0) {
                in.skipNBytes(offset);
              }
              return new BlobStream(in, offset, resp);
            }
            byte[] body = drain(resp);
            resp.close();
            Reply r = new Reply(code, headersOf(resp), challengesOf(resp), body);
            retryOnStatus(r, what);
            if (code == 404) {
              throw new MirrorException(MirrorException.Kind.NOT_FOUND, what + ": not found (404)");
            }
            expect(r, registry, repo, "blob " + digest, 200);
          }
          throw new MirrorException(MirrorException.Kind.PROTOCOL, what + ": too many redirects");
        });
  }

  /**
   * Starts an upload; with {@code mountFrom} first asks for a cross-repository mount. Returns empty
   * when the mount succeeded, else the upload URL.
   */
  public Optional<URI> startUpload(
      String registry, RepoName repo, Digest digest, Optional<RepoName> mountFrom) {
    String path =
        "/v2/"
            + repo
            + "/blobs/uploads/"
            + mountFrom.map(f -> "?mount=" + digest + "&from=" + f).orElse("");
    String actions = mountFrom.map(f -> "pull,push|" + f).orElse("pull,push");
    Reply r = send(registry, repo, actions, "POST", path, Map.of(), Optional.empty());
    if (r.code() == 201 && mountFrom.isPresent()) {
      return Optional.empty();
    }
    expect(r, registry, repo, "upload of " + digest, 202);
    return Optional.of(location(r, registry, repo));
  }

  /**
   * PATCHes {@code length} bytes of {@code body} at {@code offset} of an upload (not retried: the
   * caller asks {@link #uploadedBytes} and resumes). Returns the next upload URL.
   */
  public URI patch(
      String registry, RepoName repo, URI upload, InputStream body, long offset, long length)
      throws IOException {
    HttpUriRequestBase req = new HttpUriRequestBase("PATCH", upload);
    req.setHeader("Content-Range", offset + "-" + (offset + length - 1));
    req.setEntity(new StreamEntity(body, length));
    authorize(req, registry, repo, "pull,push");
    Reply r = executeSmall(req);
    if (r.code() != 202) {
      retryOnStatus(r, registry + "/" + repo + ": upload chunk");
      expect(r, registry, repo, "upload chunk", 202);
    }
    return location(r, registry, repo);
  }

  /**
   * How many bytes the registry holds of an upload (its {@code Range} header), or -1 if gone.
   * {@code 0-0} reads as empty: distribution and airgap both answer it for an upload with no bytes
   * (a one-byte upload looks the same: only a PATCH dropped after exactly one byte leaves one, and
   * the next PATCH then gets 416).
   */
  public long uploadedBytes(String registry, RepoName repo, URI upload) {
    Reply r = sendTo(registry, repo, "pull,push", "GET", upload, Map.of(), Optional.empty());
    if (r.code() == 404) {
      return -1;
    }
    expect(r, registry, repo, "upload status", 204, 200);
    return r.header("Range").map(RegistryClient::heldBytes).orElse(0L);
  }

  /** Bytes held by an upload whose status says {@code Range: [bytes=]0-END} (END inclusive). */
  static long heldBytes(String range) {
    String v = range.strip().replaceFirst("^bytes=", "");
    int dash = v.indexOf('-');
    if (dash < 0) {
      return 0;
    }
    long end = Long.parseLong(v.substring(dash + 1).strip());
    return end == 0 ? 0 : end + 1;
  }

  /**
   * Finishes an upload with {@code PUT ?digest=} and an optional last body (streamed, not retried
   * when a body is given).
   */
  public void finishUpload(
      String registry,
      RepoName repo,
      URI upload,
      Digest digest,
      Optional<InputStream> body,
      long length)
      throws IOException {
    URI uri =
        withQuery(upload, "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
    if (body.isEmpty()) {
      Reply r = sendTo(registry, repo, "pull,push", "PUT", uri, Map.of(), Optional.empty());
      expectBlobPut(r, registry, repo, digest);
      return;
    }
    HttpUriRequestBase req = new HttpUriRequestBase("PUT", uri);
    req.setEntity(new StreamEntity(body.get(), length));
    authorize(req, registry, repo, "pull,push");
    Reply r = executeSmall(req);
    if (r.code() != 201) {
      retryOnStatus(r, registry + "/" + repo + ": upload of " + digest);
    }
    expectBlobPut(r, registry, repo, digest);
  }

  private void expectBlobPut(Reply r, String registry, RepoName repo, Digest digest) {
    if (r.code() == 400 && r.text().contains("DIGEST_INVALID")) {
      throw new MirrorException(
          MirrorException.Kind.CORRUPT,
          registry + "/" + repo + ": the registry says the bytes of " + digest + " do not match");
    }
    expect(r, registry, repo, "upload of " + digest, 201);
  }

  /** Cancels an upload; errors are ignored. */
  public void cancelUpload(String registry, RepoName repo, URI upload) {
    try {
      sendTo(registry, repo, "pull,push", "DELETE", upload, Map.of(), Optional.empty());
    } catch (RuntimeException ignored) {
      // best effort
    }
  }

  // ---------------------------------------------------------------- plumbing

  private static URI withQuery(URI uri, String param) {
    String s = uri.toString();
    return URI.create(s + (s.contains("?") ? "&" : "?") + param);
  }

  private URI location(Reply r, String registry, RepoName repo) {
    String loc =
        r.header("Location")
            .orElseThrow(
                () ->
                    new MirrorException(
                        MirrorException.Kind.PROTOCOL,
                        registry + "/" + repo + ": upload answer without Location"));
    return URI.create(base(registry) + "/").resolve(loc);
  }

  /** Sends a request with a repeatable (or no) body to a path of the registry. */
  public Reply send(
      String registry,
      RepoName repo,
      String actions,
      String method,
      String pathAndQuery,
      Map<String, String> headers,
      Optional<HttpEntity> body) {
    return retrying(
        registry + "/" + repo + ": " + method + " " + pathAndQuery,
        () ->
            once(
                registry,
                repo,
                actions,
                method,
                URI.create(base(registry) + pathAndQuery),
                headers,
                body));
  }

  private Reply sendTo(
      String registry,
      RepoName repo,
      String actions,
      String method,
      URI uri,
      Map<String, String> headers,
      Optional<HttpEntity> body) {
    return retrying(
        registry + "/" + repo + ": " + method + " " + uri.getPath(),
        () -> once(registry, repo, actions, method, uri, headers, body));
  }

  private Reply once(
      String registry,
      RepoName repo,
      String actions,
      String method,
      URI start,
      Map<String, String> headers,
      Optional<HttpEntity> body)
      throws IOException {
    URI uri = start;
    boolean relearned = false;
    for (int hop = 0; hop < 6; hop++) {
      HttpUriRequestBase req = new HttpUriRequestBase(method, uri);
      headers.forEach(req::setHeader);
      body.ifPresent(req::setEntity);
      if (sameOrigin(uri, registry)) {
        authorize(req, registry, repo, actions);
      }
      Reply r = executeSmall(req);
      if (r.code() == 401 && !relearned && sameOrigin(uri, registry)) {
        relearned = true;
        if (learn(r.challenges(), registry, req.containsHeader("Authorization"))) {
          continue;
        }
      }
      boolean redirect = r.code() == 301 || r.code() == 302 || r.code() == 303 || r.code() == 307;
      if (redirect
          && r.header("Location").isPresent()
          && (method.equals("GET") || method.equals("HEAD"))) {
        uri = uri.resolve(r.header("Location").get());
        continue;
      }
      retryOnStatus(r, registry + "/" + repo + ": " + method + " " + start.getPath());
      return r;
    }
    throw new MirrorException(
        MirrorException.Kind.PROTOCOL, registry + ": too many redirects or auth rounds");
  }

  private boolean sameOrigin(URI uri, String registry) {
    URI b = URI.create(base(registry));
    return b.getHost().equalsIgnoreCase(uri.getHost()) && port(b) == port(uri);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
  }

  private static void retryOnStatus(Reply r, String what) throws Retryable {
    int c = r.code();
    if (c >= 500 || c == 429 || c == 408) {
      throw new Retryable(what + ": HTTP " + c, null);
    }
  }

  private void expect(Reply r, String registry, RepoName repo, String what, int... ok) {
    for (int o : ok) {
      if (r.code() == o) {
        return;
      }
    }
    String where = registry + "/" + repo + ": " + what;
    String detail = errorText(r);
    switch (r.code()) {
      case 401 ->
          throw new MirrorException(
              MirrorException.Kind.AUTH,
              where
                  + ": authentication failed (401)"
                  + (options.credentialsFor(registry).isPresent()
                      ? ": the registry refused the credentials"
                      : ": no credentials for " + registry + " (--creds or an auth file)"));
      case 403 ->
          throw new MirrorException(
              MirrorException.Kind.AUTH, where + ": access denied (403)" + detail);
      case 404 ->
          throw new MirrorException(
              MirrorException.Kind.NOT_FOUND, where + ": not found (404)" + detail);
      default ->
          throw new MirrorException(
              MirrorException.Kind.PROTOCOL, where + ": unexpected HTTP " + r.code() + detail);
    }
  }

  private static String errorText(Reply r) {
    if (r.body().length == 0) {
      return "";
    }
    try {
      JsonNode errors = JSON.readTree(r.body()).get("errors");
      if (errors != null && errors.isArray() && errors.size() > 0) {
        JsonNode e = errors.get(0);
        return ": " + e.path("code").asText() + " " + e.path("message").asText();
      }
    } catch (IOException | RuntimeException ignored) {
      // not an OCI error body
    }
    String t = r.text().strip();
    return t.isEmpty() ? "" : ": " + (t.length() > 200 ? t.substring(0, 200) + "…" : t);
  }

  /** A call that may be tried again. */
  @FunctionalInterface
  private interface Attempt<T> {
    T run() throws IOException;
  }

  private <T> T retrying(String what, Attempt<T> attempt) {
    Duration wait = options.initialBackoff();
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (MirrorException e) {
        throw e;
      } catch (IOException e) {
        boolean fatal =
            e instanceof UnknownHostException
                || e instanceof InterruptedIOException
                    && !(e instanceof java.net.SocketTimeoutException);
        if (fatal || n >= options.maxAttempts()) {
          throw unreachable(what, e, n);
        }
        LOG.info(
            "{}: attempt {} failed ({}), retrying in {} ms", what, n, describe(e), wait.toMillis());
        sleep(wait);
        wait = wait.multipliedBy(2);
        if (wait.compareTo(options.maxBackoff()) > 0) {
          wait = options.maxBackoff();
        }
      }
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new MirrorException(MirrorException.Kind.UNREACHABLE, "interrupted");
    }
  }

  private static MirrorException unreachable(String what, IOException e, int attempts) {
    if (e instanceof Retryable) {
      return new MirrorException(
          MirrorException.Kind.UNREACHABLE,
          e.getMessage() + " (gave up after " + attempts + " attempts)",
          e);
    }
    return new MirrorException(
        MirrorException.Kind.UNREACHABLE,
        what
            + ": "
            + describe(e)
            + (attempts > 1 ? " (gave up after " + attempts + " attempts)" : ""),
        e);
  }

  static String describe(Throwable e) {
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    if (e instanceof ConnectException) {
      return "cannot connect (" + e.getMessage() + ")";
    }
    if (e instanceof SSLException) {
      return "TLS failed (" + e.getMessage() + "); trust the registry's CA with --cert-dir";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private ClassicHttpResponse execute(HttpUriRequestBase req) throws IOException {
    try {
      return http.executeOpen(HttpHost.create(req.getUri()), req, null);
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
  }

  private Reply executeSmall(HttpUriRequestBase req) throws IOException {
    try (ClassicHttpResponse resp = execute(req)) {
      byte[] body = drain(resp);
      return new Reply(resp.getCode(), headersOf(resp), challengesOf(resp), body);
    }
  }

  private static byte[] drain(ClassicHttpResponse resp) throws IOException {
    HttpEntity e = resp.getEntity();
    return e == null ? new byte[0] : EntityUtils.toByteArray(e);
  }

  private static Map<String, String> headersOf(ClassicHttpResponse resp) {
    Map<String, String> m = new TreeMap<>();
    for (Header h : resp.getHeaders()) {
      m.putIfAbsent(h.getName().toLowerCase(Locale.ROOT), h.getValue());
    }
    return m;
  }

  private static List<String> challengesOf(ClassicHttpResponse resp) {
    List<String> l = new ArrayList<>();
    for (Header h : resp.getHeaders("WWW-Authenticate")) {
      l.add(h.getValue());
    }
    return l;
  }

  // ---------------------------------------------------------------- scheme and auth

  /** {@code https://host:port}, or {@code http://} for an insecure registry that has no TLS. */
  String base(String registry) {
    return bases.computeIfAbsent(registry, this::probe);
  }

  /**
   * Pings {@code /v2/} once per registry, before the first real request, so that every request in
   * flight already carries the auth the registry's challenge asks for.
   */
  private void ping(String registry) {
    pinged.computeIfAbsent(
        registry,
        r -> {
          String b = base(r);
          try {
            HttpUriRequestBase req = new HttpUriRequestBase("GET", URI.create(b + "/v2/"));
            Reply reply = executeSmall(req);
            if (reply.code() == 401) {
              learn(reply.challenges(), r, false);
            }
          } catch (IOException e) {
            // the real request will retry and report it
          }
          return Boolean.TRUE;
        });
  }

  private String probe(String registry) {
    String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    if (!options.insecure().contains(registry)) {
      return "https://" + host;
    }
    HttpUriRequestBase req = new HttpUriRequestBase("GET", URI.create("https://" + host + "/v2/"));
    try {
      executeSmall(req);
      return "https://" + host;
    } catch (SSLException e) {
      return "http://" + host;
    } catch (IOException e) {
      return "https://" + host; // the real request will report it
    }
  }

  /** Records the registry's challenge; true when a retry with it can help. */
  private boolean learn(List<String> headers, String registry, boolean sentAuthorization) {
    for (String h : headers) {
      Challenge c = parseChallenge(h);
      Challenge old = challenges.put(registry, c);
      if (c.scheme().equals("bearer")) {
        return true;
      }
      if (c.scheme().equals("basic")) {
        // a request sent without credentials (its ping failed, or another thread learnt the
        // challenge meanwhile) is worth one retry with them
        return options.credentialsFor(registry).isPresent()
            && (!sentAuthorization || old == null || !old.scheme().equals("basic"));
      }
    }
    return false;
  }

  static Challenge parseChallenge(String header) {
    String h = header.strip();
    int sp = h.indexOf(' ');
    String scheme = (sp < 0 ? h : h.substring(0, sp)).toLowerCase(Locale.ROOT);
    Map<String, String> params = new TreeMap<>();
    if (sp > 0) {
      Matcher m = PARAM.matcher(h.substring(sp + 1));
      while (m.find()) {
        params.put(
            m.group(1).toLowerCase(Locale.ROOT),
            m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3));
      }
    }
    return new Challenge(scheme, params);
  }

  /**
   * Sets Authorization as the registry's challenge asks. {@code actions} is {@code pull}, {@code
   * pull,push}, or {@code pull,push|OTHER-REPO} (a mount also needs pull on the other repository).
   */
  private void authorize(HttpUriRequestBase req, String registry, RepoName repo, String actions) {
    ping(registry);
    Challenge c = challenges.get(registry);
    Optional<Credentials> creds = options.credentialsFor(registry);
    if (c == null) {
      return;
    }
    if (c.scheme().equals("basic")) {
      creds.ifPresent(cr -> req.setHeader("Authorization", cr.basicHeader()));
      return;
    }
    if (!c.scheme().equals("bearer")) {
      return;
    }
    List<String> scopes = new ArrayList<>();
    String[] parts = actions.split("\\|");
    scopes.add("repository:" + repo + ":" + parts[0]);
    if (parts.length > 1) {
      scopes.add("repository:" + parts[1] + ":pull");
    }
    String key = registry + " " + String.join(" ", scopes);
    Token t = tokens.get(key);
    if (t == null || System.nanoTime() > t.expiresAtNanos()) {
      t = fetchToken(registry, c, scopes, creds);
      tokens.put(key, t);
    }
    if (!t.value().isEmpty()) {
      req.setHeader("Authorization", "Bearer " + t.value());
    }
  }

  private Token fetchToken(
      String registry, Challenge c, List<String> scopes, Optional<Credentials> creds) {
    String realm = c.params().get("realm");
    if (realm == null) {
      throw new MirrorException(
          MirrorException.Kind.PROTOCOL, registry + ": Bearer challenge without a realm");
    }
    StringBuilder q = new StringBuilder();
    Optional.ofNullable(c.params().get("service"))
        .ifPresent(s -> q.append("service=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)));
    for (String s : scopes) {
      q.append(q.length() > 0 ? "&" : "")
          .append("scope=")
          .append(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + q);
    Reply r =
        retrying(
            registry + ": token from " + realm,
            () -> {
              HttpUriRequestBase req = new HttpUriRequestBase("GET", uri);
              creds.ifPresent(cr -> req.setHeader("Authorization", cr.basicHeader()));
              Reply rr = executeSmall(req);
              retryOnStatus(rr, registry + ": token service " + realm);
              return rr;
            });
    if (r.code() == 401 || r.code() == 403) {
      throw new MirrorException(
          MirrorException.Kind.AUTH,
          registry
              + ": the token service "
              + realm
              + " refused "
              + (creds.isPresent()
                  ? "the credentials of " + creds.get().user()
                  : "anonymous access")
              + " ("
              + r.code()
              + ")");
    }
    if (r.code() != 200) {
      throw new MirrorException(
          MirrorException.Kind.PROTOCOL,
          registry + ": token service " + realm + " answered HTTP " + r.code());
    }
    try {
      JsonNode j = JSON.readTree(r.body());
      String tok = j.path("token").asText(j.path("access_token").asText(""));
      long ttl = Math.max(10, j.path("expires_in").asLong(60)) - 5;
      return new Token(tok, System.nanoTime() + ttl * 1_000_000_000L);
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.PROTOCOL, registry + ": token service answer is not JSON", e);
    }
  }

  @Override
  public void close() {
    try {
      http.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
