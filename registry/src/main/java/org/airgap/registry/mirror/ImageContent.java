package org.airgap.registry.mirror;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.MediaTypes;
import org.airgap.registry.api.Reference;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.storage.BlobStore;
import org.airgap.registry.storage.RepositoryStore;

/**
 * Read access to the manifests and blobs of one repository, wherever it lives: a registry over HTTP
 * ({@link #http}, through the mirror's {@link RegistryClient}, with its auth, TLS and retries) or
 * airgap's own storage in-process ({@link #storage}). What reads images ({@link ReleasePayload},
 * the catalog reader) is written against this, so the control module can read the site registry
 * without a network round trip.
 */
public interface ImageContent {
  /** A manifest by tag or digest (digest verified), or empty when there is none. */
  Optional<ManifestBlob> manifest(String reference);

  /** A blob's bytes; the caller closes the stream. Absent blobs are a {@link MirrorException}. */
  InputStream blob(Digest digest) throws IOException;

  /** Where the content is, for messages: {@code registry/repository}. */
  String where();

  /** A repository of a registry, read over HTTP. */
  static ImageContent http(RegistryClient client, String registry, RepoName repo) {
    return new ImageContent() {
      @Override
      public Optional<ManifestBlob> manifest(String reference) {
        Optional<RegistryClient.Reply> r = client.getManifest(registry, repo, reference);
        if (r.isEmpty()) {
          return Optional.empty();
        }
        byte[] body = r.get().body();
        Digest d =
            reference.contains(":") && Digest.looksLikeDigest(reference)
                ? Digest.parse(reference)
                : Digest.sha256(body);
        String type =
            r.get()
                .header("Content-Type")
                .map(MediaTypes::base)
                .filter(t -> MediaTypes.isIndex(t) || MediaTypes.isImageManifest(t))
                .orElse(MediaTypes.OCI_MANIFEST);
        return Optional.of(new ManifestBlob(d, type, body));
      }

      @Override
      public InputStream blob(Digest digest) {
        RegistryClient.BlobStream s = client.openBlob(registry, repo, digest, 0);
        return new FilterInputStream(s.body()) {
          @Override
          public void close() {
            s.close();
          }
        };
      }

      @Override
      public String where() {
        return registry + "/" + repo;
      }
    };
  }

  /** A repository of airgap's own storage, read in-process. */
  static ImageContent storage(RepositoryStore store, RepoName repo) {
    return new ImageContent() {
      @Override
      public Optional<ManifestBlob> manifest(String reference) {
        try {
          return store
              .manifest(repo, Reference.parse(reference))
              .map(m -> new ManifestBlob(m.digest(), m.mediaType(), m.bytes()));
        } catch (IOException e) {
          throw new MirrorException(
              MirrorException.Kind.LOCAL_IO, repo + ":" + reference + ": " + e.getMessage(), e);
        }
      }

      @Override
      public InputStream blob(Digest digest) throws IOException {
        Optional<BlobStore.BlobReader> r = store.blobs().open(digest);
        if (r.isEmpty()) {
          throw new MirrorException(
              MirrorException.Kind.NOT_FOUND, repo + ": blob " + digest + " not stored");
        }
        BlobStore.BlobReader reader = r.get();
        InputStream in = reader.stream(0, reader.size());
        return new FilterInputStream(in) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              reader.close();
            }
          }
        };
      }

      @Override
      public String where() {
        return "storage:" + repo;
      }
    };
  }
}
