package org.airgap.registry.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.api.Manifest;
import org.airgap.registry.api.MediaTypes;
import org.airgap.registry.api.Reference;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;

/**
 * Repositories over the two storage seams: which blobs and manifests a repository holds, its tags
 * and referrers, the uploads it owns. Backend-independent (it only uses {@link BlobStore} and
 * {@link MetadataStore}); the HTTP handlers call it and turn its {@link
 * org.airgap.registry.api.RegistryException}s into error bodies.
 */
public final class RepositoryStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlobStore blobs;
  private final MetadataStore meta;

  public RepositoryStore(BlobStore blobs, MetadataStore meta) {
    this.blobs = blobs;
    this.meta = meta;
  }

  /** The filesystem store under {@code root}, in the {@link StorageLayout}. */
  public static RepositoryStore onFiles(java.nio.file.Path root) {
    return new RepositoryStore(new FileBlobStore(root), new FileMetadataStore(root));
  }

  /** The S3 store in {@code bucket} (blobs and metadata under its prefix). */
  public static RepositoryStore onS3(org.airgap.registry.storage.s3.S3Bucket bucket) {
    return new RepositoryStore(
        new org.airgap.registry.storage.s3.S3BlobStore(bucket),
        new org.airgap.registry.storage.s3.S3MetadataStore(bucket));
  }

  public BlobStore blobs() {
    return blobs;
  }

  MetadataStore meta() {
    return meta;
  }

  // ---- blobs -------------------------------------------------------------------------------

  /** The size of {@code digest} if this repository holds it (linked and stored). */
  public Optional<Long> blobSize(RepoName name, Digest digest) throws IOException {
    if (!meta.get(StorageLayout.layer(name, digest)).isPresent()
        && !meta.get(StorageLayout.manifest(name, digest)).isPresent()) {
      return Optional.empty();
    }
    return blobs.size(digest);
  }

  public void linkBlob(RepoName name, Digest digest) throws IOException {
    String key = StorageLayout.layer(name, digest);
    if (meta.get(key).isEmpty()) {
      meta.put(key, new byte[0]);
    }
  }

  /** Removes the blob from the repository (its bytes stay until garbage collection). */
  public boolean unlinkBlob(RepoName name, Digest digest) throws IOException {
    return meta.delete(StorageLayout.layer(name, digest));
  }

  /**
   * Links a blob held by {@code from} (or, with no {@code from}, stored at all) into {@code name};
   * returns false when there is nothing to mount.
   */
  public boolean mount(RepoName name, Optional<RepoName> from, Digest digest) throws IOException {
    boolean available =
        from.isPresent()
            ? blobSize(from.get(), digest).isPresent()
            : blobs.size(digest).isPresent();
    if (!available) {
      return false;
    }
    linkBlob(name, digest);
    return true;
  }

  // ---- uploads -----------------------------------------------------------------------------

  public BlobStore.BlobUpload newUpload(RepoName name) throws IOException {
    BlobStore.BlobUpload up = blobs.newUpload();
    meta.put(StorageLayout.upload(name, up.id()), new byte[0]);
    return up;
  }

  /** The upload {@code id} if it exists and belongs to {@code name}. */
  public Optional<BlobStore.BlobUpload> upload(RepoName name, String id) throws IOException {
    try {
      if (meta.get(StorageLayout.upload(name, id)).isEmpty()) {
        return Optional.empty();
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not a valid id
    }
    return blobs.upload(id);
  }

  public void forgetUpload(RepoName name, String id) throws IOException {
    meta.delete(StorageLayout.upload(name, id));
  }

  // ---- manifests ---------------------------------------------------------------------------

  /** A manifest as stored: digest, media type as pushed, bytes. */
  public record StoredManifest(Digest digest, String mediaType, byte[] bytes) {}

  /** What a manifest PUT did. */
  public record PutResult(Digest digest, Optional<Digest> subject) {}

  /** The digest {@code ref} names in {@code name}, if any. */
  public Optional<Digest> resolve(RepoName name, Reference ref) throws IOException {
    if (ref instanceof Reference.ByTag t) {
      Optional<byte[]> v = meta.get(StorageLayout.tag(name, t.tag()));
      if (v.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(Digest.parse(new String(v.get(), StandardCharsets.UTF_8).strip()));
    }
    Digest d = ref.asDigest().orElseThrow();
    return meta.get(StorageLayout.manifest(name, d)).isPresent()
        ? Optional.of(d)
        : Optional.empty();
  }

  public Optional<StoredManifest> manifest(RepoName name, Reference ref) throws IOException {
    Optional<Digest> d = resolve(name, ref);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    Optional<byte[]> type = meta.get(StorageLayout.manifest(name, d.get()));
    if (type.isEmpty()) {
      return Optional.empty(); // a tag whose manifest was deleted concurrently
    }
    Optional<BlobStore.BlobReader> r = blobs.open(d.get());
    if (r.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes;
    try (BlobStore.BlobReader reader = r.get();
        java.io.InputStream in = reader.stream(0, reader.size())) {
      bytes = in.readAllBytes();
    }
    return Optional.of(
        new StoredManifest(d.get(), new String(type.get(), StandardCharsets.UTF_8), bytes));
  }

  /**
   * Checks and stores a manifest: its blobs (but non-distributable layers) and child manifests must
   * be in the repository; by digest the bytes must match; the manifest bytes become a blob, the
   * repository links it with its media type, the tag moves atomically, and a {@code subject}
   * registers it as a referrer.
   */
  public PutResult putManifest(
      RepoName name, Reference ref, Optional<String> contentType, byte[] body) throws IOException {
    Manifest m = Manifest.parse(contentType, body);
    Digest digest = ref.asDigest().map(d -> d.recompute(body)).orElseGet(() -> Digest.sha256(body));
    if (ref.asDigest().isPresent() && !ref.asDigest().get().equals(digest)) {
      throw ErrorCode.DIGEST_INVALID.withMessage(
          "manifest digest is " + digest + ", not " + ref.asDigest().get());
    }
    // Every referenced blob is touched before the manifest is linked: a garbage collection that
    // marked before this manifest existed sees the touch and keeps the blob (GarbageCollector).
    List<String> missing = new ArrayList<>();
    for (Descriptor b : m.blobs()) {
      if (!MediaTypes.isNonDistributable(b.mediaType())
          && (blobSize(name, b.digest()).isEmpty() || !blobs.touch(b.digest()))) {
        missing.add(b.digest().toString());
      }
    }
    for (Descriptor c : m.manifests()) {
      if (resolve(name, new Reference.ByDigest(c.digest())).isEmpty() || !blobs.touch(c.digest())) {
        missing.add(c.digest().toString());
      }
    }
    if (!missing.isEmpty()) {
      throw ErrorCode.MANIFEST_BLOB_UNKNOWN.with(java.util.Map.of("missing", missing));
    }
    if (!blobs.put(digest, body)) {
      throw new IOException("stored manifest does not match its digest " + digest);
    }
    String storedType =
        contentType.map(String::strip).filter(t -> !t.isEmpty()).orElse(m.mediaType());
    meta.put(StorageLayout.manifest(name, digest), storedType.getBytes(StandardCharsets.UTF_8));
    if (m.subject().isPresent()) {
      ObjectNode desc = JSON.createObjectNode();
      desc.put("mediaType", m.mediaType());
      desc.put("digest", digest.toString());
      desc.put("size", body.length);
      m.effectiveArtifactType().ifPresent(t -> desc.put("artifactType", t));
      m.annotations().ifPresent(a -> desc.set("annotations", a));
      meta.put(
          StorageLayout.referrer(name, m.subject().get().digest(), digest),
          JSON.writeValueAsBytes(desc));
    }
    if (ref instanceof Reference.ByTag t) {
      meta.put(
          StorageLayout.tag(name, t.tag()), digest.toString().getBytes(StandardCharsets.UTF_8));
    }
    return new PutResult(digest, m.subject().map(Descriptor::digest));
  }

  /** Deletes a manifest by digest, its tags and its referrer entry; false if unknown. */
  public boolean deleteManifest(RepoName name, Digest digest) throws IOException {
    Optional<StoredManifest> m = manifest(name, new Reference.ByDigest(digest));
    if (m.isEmpty()) {
      return false;
    }
    // a tag moved to another manifest meanwhile (by another writer) stays
    byte[] value = digest.toString().getBytes(StandardCharsets.UTF_8);
    for (String t : meta.children(StorageLayout.tags(name))) {
      meta.deleteIf(StorageLayout.tag(name, new Tag(t)), value);
    }
    try {
      Manifest parsed = Manifest.parse(Optional.of(m.get().mediaType()), m.get().bytes());
      if (parsed.subject().isPresent()) {
        meta.delete(StorageLayout.referrer(name, parsed.subject().get().digest(), digest));
      }
    } catch (org.airgap.registry.api.RegistryException e) {
      // stored before it could be parsed: no referrer entry to remove
    }
    return meta.delete(StorageLayout.manifest(name, digest));
  }

  public boolean deleteTag(RepoName name, Tag tag) throws IOException {
    return meta.delete(StorageLayout.tag(name, tag));
  }

  // ---- discovery ---------------------------------------------------------------------------

  /** Whether the repository exists (anything was ever pushed to it). */
  public boolean exists(RepoName name) throws IOException {
    String repo = StorageLayout.repo(name);
    for (String c : meta.children(repo)) {
      if (c.equals(StorageLayout.MANIFESTS) || c.equals(StorageLayout.LAYERS)) {
        return true;
      }
    }
    return false;
  }

  /** The tags of a repository, sorted. */
  public List<String> tags(RepoName name) throws IOException {
    return meta.children(StorageLayout.tags(name));
  }

  /** Every repository name, sorted. */
  public List<String> repositories() throws IOException {
    List<String> out = new ArrayList<>();
    walk(StorageLayout.REPOSITORIES, "", out);
    out.sort(null);
    return out;
  }

  private void walk(String key, String name, List<String> out) throws IOException {
    boolean isRepo = false;
    for (String c : meta.children(key)) {
      if (c.startsWith("_")) {
        isRepo |= c.equals(StorageLayout.MANIFESTS) || c.equals(StorageLayout.LAYERS);
      } else {
        walk(key + "/" + c, name.isEmpty() ? c : name + "/" + c, out);
      }
    }
    if (isRepo) {
      out.add(name);
    }
  }

  /** Descriptors of the manifests whose subject is {@code subject}, sorted by digest. */
  public List<com.fasterxml.jackson.databind.JsonNode> referrers(
      RepoName name, Digest subject, Optional<String> artifactType) throws IOException {
    List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
    String dir = StorageLayout.referrers(name, subject);
    for (String c : meta.children(dir)) {
      Optional<byte[]> v = meta.get(dir + "/" + c);
      if (v.isEmpty()) {
        continue;
      }
      com.fasterxml.jackson.databind.JsonNode d = JSON.readTree(v.get());
      if (artifactType.isEmpty()
          || artifactType.get().equals(d.path("artifactType").asText(null))) {
        out.add(d);
      }
    }
    return out;
  }
}
