package org.airgap.registry.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.api.Reference;
import org.airgap.registry.storage.RepositoryStore;
import org.airgap.registry.storage.RepositoryStore.PutResult;
import org.airgap.registry.storage.RepositoryStore.StoredManifest;

/**
 * end-3 (GET/HEAD a manifest by tag or digest: bytes and Content-Type exactly as pushed), end-7
 * (PUT by tag or digest, {@code OCI-Subject} when it has a subject) and end-9 (DELETE by digest,
 * its tags going with it, or DELETE a tag).
 */
public final class ManifestHandler {
  /** The largest manifest accepted; the spec asks for at least 4 MiB. */
  public static final int MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

  private final RepositoryStore store;
  private final RegistryCounters counters;

  public ManifestHandler(RepositoryStore store, RegistryCounters counters) {
    this.store = store;
    this.counters = counters;
  }

  public void get(Call call) throws IOException {
    Reference ref = Reference.parse(call.ref());
    StoredManifest m =
        store
            .manifest(call.name(), ref)
            .orElseThrow(
                () ->
                    ErrorCode.MANIFEST_UNKNOWN.with(
                        Map.of("name", call.name().value(), "reference", ref.toString())));
    HttpServerExchange ex = call.exchange();
    String etag = "\"" + m.digest() + "\"";
    ex.getResponseHeaders().put(Responses.DOCKER_CONTENT_DIGEST, m.digest().toString());
    ex.getResponseHeaders().put(Headers.ETAG, etag);
    String inm = ex.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
    if (inm != null && (inm.equals(etag) || inm.equals(m.digest().toString()))) {
      ex.setStatusCode(304);
      ex.endExchange();
      return;
    }
    Responses.bytes(ex, 200, m.mediaType(), m.bytes());
  }

  public void put(Call call) throws IOException {
    Reference ref = Reference.parse(call.ref());
    HttpServerExchange ex = call.exchange();
    long declared = ex.getRequestContentLength();
    if (declared > MAX_MANIFEST_BYTES) {
      throw ErrorCode.MANIFEST_TOO_BIG.withMessage(
          "manifest of " + declared + " bytes is over the limit of " + MAX_MANIFEST_BYTES);
    }
    ex.startBlocking();
    byte[] body;
    try (InputStream in = ex.getInputStream()) {
      body = in.readNBytes(MAX_MANIFEST_BYTES + 1);
    }
    ex.getAttachment(RegistryHandler.BYTES_IN).add(body.length);
    if (body.length > MAX_MANIFEST_BYTES) {
      throw ErrorCode.MANIFEST_TOO_BIG.withMessage(
          "manifest is over the limit of " + MAX_MANIFEST_BYTES + " bytes");
    }
    Optional<String> contentType = call.header(Headers.CONTENT_TYPE);
    PutResult r = store.putManifest(call.name(), ref, contentType, body);
    counters.manifestPuts.increment();
    ex.getResponseHeaders()
        .put(Headers.LOCATION, call.base() + "/v2/" + call.name() + "/manifests/" + r.digest());
    ex.getResponseHeaders().put(Responses.DOCKER_CONTENT_DIGEST, r.digest().toString());
    r.subject().ifPresent(s -> ex.getResponseHeaders().put(Responses.OCI_SUBJECT, s.toString()));
    Responses.empty(ex, 201);
  }

  public void delete(Call call) throws IOException {
    Reference ref = Reference.parse(call.ref());
    boolean deleted =
        ref instanceof Reference.ByTag t
            ? store.deleteTag(call.name(), t.tag())
            : store.deleteManifest(call.name(), ref.asDigest().orElseThrow());
    if (!deleted) {
      throw ErrorCode.MANIFEST_UNKNOWN.with(
          Map.of("name", call.name().value(), "reference", ref.toString()));
    }
    Responses.empty(call.exchange(), 202);
  }
}
