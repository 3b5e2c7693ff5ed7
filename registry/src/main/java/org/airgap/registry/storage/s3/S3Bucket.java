package org.airgap.registry.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.airgap.registry.storage.StorageHealth;
import org.airgap.registry.storage.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.apache5.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One bucket (under a prefix) as the S3 stores use it: the SDK's sync client on Apache HttpClient
 * 5, path-style, static credentials, checksums only when an operation requires them (s3proxy, and
 * some RGW versions, reject the SDK's default trailing checksums). Every call goes through {@link
 * #call}: a connection failure becomes {@link StorageUnavailableException} and marks the bucket
 * down until a call or {@link #check} gets through again.
 *
 * <p>At the first successful {@link #check} the bucket probes two things: whether the endpoint
 * honours conditional writes ({@code If-None-Match: *} / {@code If-Match} on PUT; s3proxy and older
 * RGW ignore them), and the offset of its clock from ours (object times are the server's; garbage
 * collection and the upload purge compare them with ours).
 */
public final class S3Bucket implements StorageHealth, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(S3Bucket.class);

  private final S3Settings settings;
  private final S3Client client;
  private final LongAdder requests = new LongAdder();
  private volatile Optional<String> problem = Optional.of("not checked yet");
  private volatile boolean probed;
  private volatile boolean conditionalWrites;
  private volatile long clockOffsetMillis;
  private volatile Optional<Boolean> forceConditional = Optional.empty();

  private S3Bucket(S3Settings settings, S3Client client) {
    this.settings = settings;
    this.client = client;
  }

  /** Builds the client (no network traffic until the first call). */
  public static S3Bucket connect(S3Settings s) throws IOException {
    Apache5HttpClient.Builder http =
        Apache5HttpClient.builder()
            .maxConnections(128)
            .connectionTimeout(Duration.ofSeconds(5))
            .connectionAcquisitionTimeout(Duration.ofSeconds(60))
            .socketTimeout(Duration.ofSeconds(60))
            .tcpKeepAlive(true)
            // the endpoint is on the site's network: never a proxy from the environment
            .proxyConfiguration(
                ProxyConfiguration.builder()
                    .useSystemPropertyValues(false)
                    .useEnvironmentVariableValues(false)
                    .build());
    if (s.caFile().isPresent()) {
      TrustManager[] tms = trustManagers(s.caFile().get());
      http.tlsTrustManagersProvider(() -> tms);
    }
    LongAdder counter = new LongAdder();
    S3Bucket[] self = new S3Bucket[1];
    SdkHttpClient httpClient = http.build();
    S3Client client =
        S3Client.builder()
            .endpointOverride(s.endpoint())
            .region(Region.of(s.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(s.accessKeyId(), s.secretKey())))
            .forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClient(httpClient)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofMinutes(10))
                        .addExecutionInterceptor(
                            new ExecutionInterceptor() {
                              @Override
                              public void beforeTransmission(
                                  Context.BeforeTransmission context, ExecutionAttributes a) {
                                self[0].requests.increment();
                              }
                            }))
            .build();
    self[0] = new S3Bucket(s, client);
    return self[0];
  }

  private static TrustManager[] trustManagers(java.nio.file.Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IOException(pem + " holds no PEM certificate");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read CA file " + pem + ": " + e.getMessage(), e);
    }
  }

  public S3Settings settings() {
    return settings;
  }

  /** Requests sent to the endpoint so far (each attempt counts). */
  public long requests() {
    return requests.sum();
  }

  /** The object key of a store key. */
  public String key(String storeKey) {
    return settings.prefix() + storeKey;
  }

  /** Whether conditional PUTs are honoured (probed at the first successful check). */
  public boolean conditionalWrites() {
    return forceConditional.orElse(conditionalWrites);
  }

  /** Tests only: pretend the probe found (or did not find) conditional writes. */
  void forceConditionalWrites(boolean on) {
    forceConditional = Optional.of(on);
  }

  /** Server time minus our time, in milliseconds (±1 s: object times have seconds). */
  public long clockOffsetMillis() {
    return clockOffsetMillis;
  }

  /**
   * An object time (the server's clock) on our clock, rounded up: object times have whole seconds,
   * and every comparison the stores make ("touched since the GC started?", "is this upload or
   * tombstone old?") must err on the side of young.
   */
  public long localMillis(Instant serverTime) {
    long ms = serverTime.toEpochMilli();
    return (ms % 1000 == 0 ? ms + 999 : ms) - clockOffsetMillis;
  }

  @Override
  public Optional<String> problem() {
    return problem;
  }

  @Override
  public synchronized Optional<String> check() {
    try {
      call(() -> client.headBucket(b -> b.bucket(settings.bucket())));
      if (!probed) {
        probe();
        probed = true;
      }
      problem = Optional.empty();
    } catch (IOException e) {
      problem = Optional.of(e.getMessage());
    }
    return problem;
  }

  private void probe() throws IOException {
    String k = key("_airgap/probe-" + UUID.randomUUID());
    long before = System.currentTimeMillis();
    call(
        () ->
            client.putObject(
                b -> b.bucket(settings.bucket()).key(k).ifNoneMatch("*"),
                RequestBody.fromString("1")));
    long after = System.currentTimeMillis();
    Optional<Head> h = head(k);
    if (h.isPresent()) {
      // object times have whole seconds, and a slow PUT blurs the estimate further: only a clock
      // that is clearly off (no NTP) is corrected for; a wrong small correction would make fresh
      // objects look older than they are to the GC
      long offset = h.get().modified().toEpochMilli() + 500 - (before + after) / 2;
      long blur = after - before + 1000;
      clockOffsetMillis = Math.abs(offset) > Math.max(10_000, 2 * blur) ? offset : 0;
      if (clockOffsetMillis != 0) {
        LOG.warn(
            "registry: the clock of S3 endpoint {} is {} ms off ours: keep both on NTP",
            settings.endpoint(),
            clockOffsetMillis);
      }
    }
    boolean honoured;
    try {
      call(
          () ->
              client.putObject(
                  b -> b.bucket(settings.bucket()).key(k).ifNoneMatch("*"),
                  RequestBody.fromString("2")));
      honoured = false;
    } catch (PreconditionFailed e) {
      honoured = true;
    } catch (IOException e) {
      honoured = false; // 400/501: not implemented
    }
    if (honoured) {
      try {
        call(
            () ->
                client.putObject(
                    b -> b.bucket(settings.bucket()).key(k).ifMatch("\"0000\""),
                    RequestBody.fromString("3")));
        honoured = false;
      } catch (PreconditionFailed e) {
        honoured = true;
      } catch (IOException e) {
        honoured = false;
      }
    }
    conditionalWrites = honoured;
    deleteQuietly(k);
    LOG.info(
        "registry: S3 {} bucket {}: conditional writes {}, clock offset {} ms",
        settings.endpoint(),
        settings.bucket(),
        honoured ? "honoured" : "ignored (tags and uploads: last writer wins)",
        clockOffsetMillis);
  }

  // ---- calls ---------------------------------------------------------------------------------

  /** A call to the endpoint. */
  @FunctionalInterface
  public interface Call<T> {
    T run() throws IOException;
  }

  /** A conditional write found its condition false (412). */
  public static final class PreconditionFailed extends IOException {
    PreconditionFailed(String m) {
      super(m);
    }
  }

  /**
   * Runs {@code c}, turning SDK exceptions into IOExceptions: unreachable endpoint and 5xx into
   * {@link StorageUnavailableException} (and the bucket is down), 412 into {@link
   * PreconditionFailed}.
   */
  public <T> T call(Call<T> c) throws IOException {
    try {
      T t = c.run();
      if (problem.isPresent() && probed) {
        LOG.info("registry: S3 endpoint {} answers again", settings.endpoint());
      }
      if (probed) {
        problem = Optional.empty();
      } else if (problem.isPresent()) {
        problem = Optional.of("not probed yet");
      }
      return t;
    } catch (S3Exception e) {
      int status = e.statusCode();
      if (status == 412) {
        markUp();
        throw new PreconditionFailed(e.getMessage());
      }
      if (status >= 500) {
        String m = "S3 endpoint " + settings.endpoint() + " answers " + status;
        throw new StorageUnavailableException(m, e);
      }
      markUp();
      throw new IOException(
          "S3 " + status + " " + e.awsErrorDetails().errorCode() + ": " + e.getMessage(), e);
    } catch (SdkClientException e) {
      String m = "S3 endpoint " + settings.endpoint() + " unreachable: " + rootMessage(e);
      if (problem.isEmpty()) {
        LOG.warn("registry: {}", m);
      }
      problem = Optional.of(m);
      throw new StorageUnavailableException(m, e);
    } catch (SdkException e) {
      throw new IOException("S3: " + e.getMessage(), e);
    }
  }

  private void markUp() {
    if (probed) {
      problem = Optional.empty();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  public S3Client client() {
    return client;
  }

  public String bucket() {
    return settings.bucket();
  }

  // ---- small helpers the stores share ----------------------------------------------------------

  /** What a HEAD says about an object: size, ETag, time (server clock). */
  public record Head(long size, String etag, Instant modified) {}

  public Optional<Head> head(String objectKey) throws IOException {
    try {
      HeadObjectResponse r = call(() -> client.headObject(b -> b.bucket(bucket()).key(objectKey)));
      return Optional.of(new Head(r.contentLength(), r.eTag(), r.lastModified()));
    } catch (IOException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** An object's bytes and ETag. */
  public record Value(byte[] bytes, String etag, Instant modified) {}

  public Optional<Value> get(String objectKey) throws IOException {
    try {
      return Optional.of(
          call(
              () -> {
                try (ResponseInputStream<GetObjectResponse> in =
                    client.getObject(b -> b.bucket(bucket()).key(objectKey))) {
                  byte[] bytes = in.readAllBytes();
                  return new Value(bytes, in.response().eTag(), in.response().lastModified());
                }
              }));
    } catch (IOException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** PUTs {@code bytes}; returns the new ETag. */
  public String put(String objectKey, byte[] bytes) throws IOException {
    return call(() ->
            client.putObject(b -> b.bucket(bucket()).key(objectKey), RequestBody.fromBytes(bytes)))
        .eTag();
  }

  /**
   * PUTs {@code bytes} only if the object's ETag is {@code etag} (or, with an empty one, if the
   * object is absent); throws {@link PreconditionFailed} otherwise. Without {@link
   * #conditionalWrites} the condition is not enforced (last writer wins).
   */
  public String putIf(String objectKey, byte[] bytes, Optional<String> etag) throws IOException {
    return call(() ->
            client.putObject(
                b -> {
                  b.bucket(bucket()).key(objectKey);
                  if (conditionalWrites()) {
                    if (etag.isPresent()) {
                      b.ifMatch(etag.get());
                    } else {
                      b.ifNoneMatch("*");
                    }
                  }
                },
                RequestBody.fromBytes(bytes)))
        .eTag();
  }

  // ---- multipart uploads: what the blob store's uploads and big copies are made of ----------

  /** Starts a multipart upload of {@code objectKey}; returns its upload id. */
  public String createMultipart(String objectKey) throws IOException {
    return call(() -> client.createMultipartUpload(b -> b.bucket(bucket()).key(objectKey)))
        .uploadId();
  }

  /** Uploads part {@code number} of a multipart upload; returns the part's ETag. */
  public String uploadPart(String objectKey, String uploadId, int number, byte[] bytes)
      throws IOException {
    return call(() ->
            client.uploadPart(
                b ->
                    b.bucket(bucket())
                        .key(objectKey)
                        .uploadId(uploadId)
                        .partNumber(number)
                        .contentLength((long) bytes.length),
                RequestBody.fromBytes(bytes)))
        .eTag();
  }

  /**
   * Copies bytes {@code range} ({@code bytes=a-b}) of {@code fromKey} into part {@code number} of a
   * multipart upload of {@code toKey}, server-side; returns the part's ETag.
   */
  public String uploadPartCopy(
      String fromKey, String toKey, String uploadId, int number, String range) throws IOException {
    return call(() ->
            client.uploadPartCopy(
                b ->
                    b.sourceBucket(bucket())
                        .sourceKey(fromKey)
                        .destinationBucket(bucket())
                        .destinationKey(toKey)
                        .uploadId(uploadId)
                        .partNumber(number)
                        .copySourceRange(range)))
        .copyPartResult()
        .eTag();
  }

  /** Completes a multipart upload from its parts, in order. */
  public void completeMultipart(String objectKey, String uploadId, List<CompletedPart> parts)
      throws IOException {
    call(
        () ->
            client.completeMultipartUpload(
                b ->
                    b.bucket(bucket())
                        .key(objectKey)
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts))));
  }

  /** Aborts a multipart upload, dropping its parts. */
  public void abortMultipart(String objectKey, String uploadId) throws IOException {
    call(
        () ->
            client.abortMultipartUpload(b -> b.bucket(bucket()).key(objectKey).uploadId(uploadId)));
  }

  /** Deletes an object (no error if absent). */
  public void delete(String objectKey) throws IOException {
    call(() -> client.deleteObject(b -> b.bucket(bucket()).key(objectKey)));
  }

  /** Deletes the object only if its ETag is still {@code etag} (when conditional writes work). */
  public void deleteIf(String objectKey, String etag) throws IOException {
    call(
        () ->
            client.deleteObject(
                b -> {
                  b.bucket(bucket()).key(objectKey);
                  if (conditionalWrites()) {
                    b.ifMatch(etag);
                  }
                }));
  }

  void deleteQuietly(String objectKey) {
    try {
      delete(objectKey);
    } catch (IOException e) {
      LOG.debug("could not delete {}: {}", objectKey, e.toString());
    }
  }

  /** One page of a listing visitor. */
  @FunctionalInterface
  public interface ObjectVisitor {
    void visit(S3Object o) throws IOException;
  }

  /** Every object under {@code objectPrefix} (no delimiter), in key order, page by page. */
  public void listAll(String objectPrefix, ObjectVisitor v) throws IOException {
    String token = null;
    do {
      String t = token;
      ListObjectsV2Response r =
          call(
              () ->
                  client.listObjectsV2(
                      b ->
                          b.bucket(bucket())
                              .prefix(objectPrefix)
                              .maxKeys(1000)
                              .continuationToken(t)));
      for (S3Object o : r.contents()) {
        v.visit(o);
      }
      token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
    } while (token != null);
  }

  /** The names one level below {@code objectPrefix} (which ends in {@code /}), sorted. */
  public List<String> children(String objectPrefix) throws IOException {
    List<String> out = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      ListObjectsV2Response r =
          call(
              () ->
                  client.listObjectsV2(
                      b ->
                          b.bucket(bucket())
                              .prefix(objectPrefix)
                              .delimiter("/")
                              .maxKeys(1000)
                              .continuationToken(t)));
      for (CommonPrefix p : r.commonPrefixes()) {
        String n = p.prefix().substring(objectPrefix.length());
        out.add(n.endsWith("/") ? n.substring(0, n.length() - 1) : n);
      }
      for (S3Object o : r.contents()) {
        String n = o.key().substring(objectPrefix.length());
        if (!n.isEmpty()) {
          out.add(n);
        }
      }
      token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
    } while (token != null);
    out = new ArrayList<>(new java.util.TreeSet<>(out));
    return out;
  }

  static boolean notFound(IOException e) {
    return e.getCause() instanceof NoSuchKeyException
        || (e.getCause() instanceof S3Exception s && s.statusCode() == 404);
  }

  @Override
  public void close() {
    client.close();
  }
}
