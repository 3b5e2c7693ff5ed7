package org.airgap.registry.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.storage.BlobStore;
import org.airgap.registry.storage.BlobStore.BlobUpload;
import org.airgap.registry.storage.RepositoryStore;

/**
 * end-4a/4b (POST a new or monolithic upload), end-11 (cross-repository mount), end-5 (PATCH,
 * streamed or chunked with {@code Content-Range}), end-6 (PUT to finish, digest verified), end-13
 * (GET progress), DELETE (cancel). An upload URL stays the same for its whole life, so a client may
 * retry with the URL it has; every response carries {@code Location}, {@code Range} and {@code
 * Docker-Upload-UUID}.
 */
public final class UploadHandler {
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("(?:bytes[ =])?(\\d{1,18})-(\\d{1,18})(?:/.*)?");

  private final RepositoryStore store;
  private final RegistryCounters counters;

  public UploadHandler(RepositoryStore store, RegistryCounters counters) {
    this.store = store;
    this.counters = counters;
  }

  public void start(Call call) throws IOException {
    RepoName name = call.name();
    Optional<String> mount = call.query("mount");
    if (mount.isPresent()) {
      Digest d = Digest.parse(mount.get());
      Optional<RepoName> from = call.query("from").map(RepoName::parse);
      if (store.mount(name, from, d)) {
        created(call, d);
        return;
      }
      // not there to mount: fall back to a new upload (202), as the spec says
    }
    Optional<String> digestParam = call.query("digest");
    if (digestParam.isPresent() && mount.isEmpty()) {
      Digest expected = Digest.parse(digestParam.get());
      BlobUpload up = store.newUpload(name);
      try {
        up.append(body(call), -1);
      } catch (IOException | RuntimeException e) {
        up.cancel();
        store.forgetUpload(name, up.id());
        throw e;
      }
      finish(call, up, expected);
      return;
    }
    BlobUpload up = store.newUpload(name);
    progress(call, up, 202);
  }

  public void patch(Call call) throws IOException {
    BlobUpload up = existing(call);
    Optional<long[]> range = contentRange(call);
    long expectedStart = range.map(r -> r[0]).orElse(-1L);
    if (range.isPresent()) {
      long declared = range.get()[1] - range.get()[0] + 1;
      long length = call.exchange().getRequestContentLength();
      if (length >= 0 && length != declared) {
        throw ErrorCode.SIZE_INVALID.withMessage(
            "Content-Length " + length + " does not match Content-Range " + declared + " bytes");
      }
    }
    append(call, up, expectedStart);
    progress(call, up, 202);
  }

  public void put(Call call) throws IOException {
    Optional<String> digestParam = call.query("digest");
    if (digestParam.isEmpty()) {
      throw ErrorCode.DIGEST_INVALID.withMessage("the digest query parameter is required");
    }
    Digest expected = Digest.parse(digestParam.get());
    BlobUpload up = existing(call);
    Optional<long[]> range = contentRange(call);
    append(call, up, range.map(r -> r[0]).orElse(-1L));
    finish(call, up, expected);
  }

  public void status(Call call) throws IOException {
    progress(call, existing(call), 204);
  }

  public void cancel(Call call) throws IOException {
    BlobUpload up = existing(call);
    up.cancel();
    store.forgetUpload(call.name(), up.id());
    Responses.empty(call.exchange(), 204);
  }

  private void finish(Call call, BlobUpload up, Digest expected) throws IOException {
    Digest actual = up.commit(expected);
    store.forgetUpload(call.name(), up.id());
    if (!actual.equals(expected)) {
      throw ErrorCode.DIGEST_INVALID.with(
          Map.of("expected", expected.toString(), "actual", actual.toString()));
    }
    store.linkBlob(call.name(), expected);
    counters.blobUploads.increment();
    created(call, expected);
  }

  private void append(Call call, BlobUpload up, long expectedStart) throws IOException {
    try {
      up.append(body(call), expectedStart);
    } catch (BlobStore.OffsetMismatch e) {
      throw ErrorCode.RANGE_INVALID
          .withMessage(
              "chunk starts at " + expectedStart + " but the upload has " + e.size() + " bytes")
          .withHeaders(progressHeaders(call, up.id(), e.size()));
    } catch (java.nio.file.NoSuchFileException e) {
      throw ErrorCode.BLOB_UPLOAD_UNKNOWN.with(Map.of("upload", up.id()));
    }
  }

  private BlobUpload existing(Call call) throws IOException {
    return store
        .upload(call.name(), call.ref())
        .orElseThrow(() -> ErrorCode.BLOB_UPLOAD_UNKNOWN.with(Map.of("upload", call.ref())));
  }

  private static Optional<long[]> contentRange(Call call) {
    Optional<String> h = call.header(Headers.CONTENT_RANGE);
    if (h.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = CONTENT_RANGE.matcher(h.get().strip());
    if (!m.matches()) {
      throw ErrorCode.BLOB_UPLOAD_INVALID.withMessage(
          "Content-Range must be <start>-<end>, got '" + h.get() + "'");
    }
    long a = Long.parseLong(m.group(1));
    long b = Long.parseLong(m.group(2));
    if (b < a) {
      throw ErrorCode.RANGE_INVALID.withMessage("Content-Range end before start: " + h.get());
    }
    return Optional.of(new long[] {a, b});
  }

  /** The request body, counted for the access log. */
  private static InputStream body(Call call) {
    HttpServerExchange ex = call.exchange();
    if (!ex.isBlocking()) {
      ex.startBlocking();
    }
    LongAdder counted = ex.getAttachment(RegistryHandler.BYTES_IN);
    return new FilterInputStream(ex.getInputStream()) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0 && counted != null) {
          counted.add(n);
        }
        return n;
      }

      @Override
      public int read() throws IOException {
        int c = super.read();
        if (c >= 0 && counted != null) {
          counted.increment();
        }
        return c;
      }
    };
  }

  private void progress(Call call, BlobUpload up, int status) throws IOException {
    progressHeaders(call, up.id(), up.size())
        .forEach(
            (k, v) ->
                call.exchange()
                    .getResponseHeaders()
                    .put(io.undertow.util.HttpString.tryFromString(k), v));
    Responses.empty(call.exchange(), status);
  }

  private static Map<String, String> progressHeaders(Call call, String id, long size) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Location", call.base() + "/v2/" + call.name() + "/blobs/uploads/" + id);
    h.put("Range", "0-" + Math.max(0, size - 1));
    h.put("Docker-Upload-UUID", id);
    return h;
  }

  private static void created(Call call, Digest d) {
    HttpServerExchange ex = call.exchange();
    ex.getResponseHeaders()
        .put(Headers.LOCATION, call.base() + "/v2/" + call.name() + "/blobs/" + d);
    ex.getResponseHeaders().put(Responses.DOCKER_CONTENT_DIGEST, d.toString());
    Responses.empty(ex, 201);
  }
}
