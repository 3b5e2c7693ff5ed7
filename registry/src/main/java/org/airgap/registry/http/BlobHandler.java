package org.airgap.registry.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.storage.BlobStore.BlobReader;
import org.airgap.registry.storage.RepositoryStore;
import org.airgap.websrv.http.ByteRange;
import org.airgap.websrv.http.Conditionals;
import org.airgap.websrv.http.EntityTag;
import org.airgap.websrv.http.MultipartByteranges;
import org.airgap.websrv.http.Outcome;
import org.airgap.websrv.http.Representation;
import org.airgap.websrv.http.RequestConditions;

/**
 * end-2 (GET/HEAD a blob, with Range, If-Range and conditionals decided by websrv's {@link
 * Conditionals}) and end-10 (DELETE a blob from a repository).
 */
public final class BlobHandler {
  private final RepositoryStore store;

  public BlobHandler(RepositoryStore store) {
    this.store = store;
  }

  public void get(Call call) throws IOException {
    Digest digest = Digest.parse(call.ref());
    if (store.blobSize(call.name(), digest).isEmpty()) {
      throw ErrorCode.BLOB_UNKNOWN.with(java.util.Map.of("digest", digest.toString()));
    }
    Optional<BlobReader> opened = store.blobs().open(digest);
    if (opened.isEmpty()) {
      throw ErrorCode.BLOB_UNKNOWN.with(java.util.Map.of("digest", digest.toString()));
    }
    HttpServerExchange ex = call.exchange();
    try (BlobReader blob = opened.get()) {
      long size = blob.size();
      // Blobs are immutable: the digest is the strong ETag and the modification time never moves.
      EntityTag etag = EntityTag.strong(digest.toString());
      Outcome o =
          Conditionals.evaluate(
              RequestConditions.from(
                  ex.getRequestMethod().toString(),
                  h -> Optional.ofNullable(ex.getRequestHeaders().getFirst(h))),
              new Representation(size, etag, Instant.EPOCH));
      ex.getResponseHeaders().put(Responses.DOCKER_CONTENT_DIGEST, digest.toString());
      ex.getResponseHeaders().put(Headers.ETAG, etag.toString());
      ex.getResponseHeaders().put(Headers.ACCEPT_RANGES, "bytes");
      ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "max-age=31536000");
      ex.setStatusCode(o.status().code());
      o.contentRange().ifPresent(cr -> ex.getResponseHeaders().put(Headers.CONTENT_RANGE, cr));
      switch (o.status()) {
        case OK, PARTIAL_CONTENT -> {
          Optional<MultipartByteranges> mp =
              o.multipart()
                  ? Optional.of(
                      new MultipartByteranges(
                          MultipartByteranges.randomBoundary(),
                          "application/octet-stream",
                          size,
                          o.ranges()))
                  : Optional.empty();
          ex.getResponseHeaders()
              .put(
                  Headers.CONTENT_TYPE,
                  mp.map(MultipartByteranges::contentType).orElse("application/octet-stream"));
          long length = mp.map(MultipartByteranges::contentLength).orElse(o.contentLength());
          ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
          if (call.isHead()) {
            ex.endExchange();
            return;
          }
          List<ByteRange> ranges =
              o.status() == Outcome.Status.OK && size > 0
                  ? List.of(new ByteRange(0, size - 1))
                  : o.status() == Outcome.Status.OK ? List.of() : o.ranges();
          BlobBody.send(ex, blob, ranges, mp);
        }
        default -> {
          // 304, 412 and 416 (with Content-Range: bytes */LEN): no body
          ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
          ex.endExchange();
        }
      }
    }
  }

  public void delete(Call call) throws IOException {
    Digest digest = Digest.parse(call.ref());
    if (!store.unlinkBlob(call.name(), digest)) {
      throw ErrorCode.BLOB_UNKNOWN.with(java.util.Map.of("digest", digest.toString()));
    }
    Responses.empty(call.exchange(), 202);
  }
}
