package org.airgap.registry.storage;

import java.util.regex.Pattern;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;

/**
 * The one place that computes where things live. The same keys serve every backend (folders for the
 * filesystem store, object keys under the bucket's prefix for S3: {@link
 * org.airgap.registry.storage.s3.S3BlobStore} draws its own few extra keys). The layout, under
 * {@code <data-dir>/registry}:
 *
 * <pre>
 * registry/
 * ├── blobs/                                   BlobStore: content-addressed, immutable
 * │   ├── sha256/
 * │   │   └── 3f/
 * │   │       └── 3fa2…e9                       the bytes of a layer, a config or a manifest
 * │   └── sha512/…
 * ├── uploads/                                 BlobStore: uploads in progress
 * │   └── 0b4c…-…-…/                           a random UUID
 * │       ├── data                             bytes received so far
 * │       └── startedat                        epoch millis (the purge of abandoned uploads)
 * └── repositories/                            MetadataStore: what each repository holds
 *     └── openshift/
 *         └── release-images/                  one folder per name component
 *             ├── _layers/sha256/&lt;hex&gt;            link: the repository may serve this blob (empty)
 *             ├── _manifests/sha256/&lt;hex&gt;         link: a manifest of the repository; content:
 *             │                                      its media type as pushed
 *             ├── _tags/&lt;tag&gt;                      content: the digest the tag points at
 *             ├── _referrers/sha256/&lt;subject-hex&gt;/
 *             │   └── sha256-&lt;hex&gt;                content: the referrer's descriptor (JSON)
 *             └── _uploads/&lt;uuid&gt;                 the upload belongs to this repository
 * </pre>
 *
 * Name components never start with {@code _} (the name grammar), so {@code _layers} and friends
 * cannot clash with a nested repository, and a repository is a folder that has one of them.
 */
public final class StorageLayout {
  public static final String REPOSITORIES = "repositories";
  public static final String LAYERS = "_layers";
  public static final String MANIFESTS = "_manifests";
  public static final String TAGS = "_tags";
  public static final String REFERRERS = "_referrers";
  public static final String UPLOADS = "_uploads";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

  private StorageLayout() {}

  public static String blobKey(Digest d) {
    return "blobs/" + d.algorithm() + "/" + d.hex().substring(0, 2) + "/" + d.hex();
  }

  public static String uploadKey(String id) {
    return "uploads/" + id;
  }

  public static String repo(RepoName name) {
    return REPOSITORIES + "/" + name.value();
  }

  public static String layer(RepoName name, Digest d) {
    return repo(name) + "/" + LAYERS + "/" + d.algorithm() + "/" + d.hex();
  }

  public static String manifest(RepoName name, Digest d) {
    return repo(name) + "/" + MANIFESTS + "/" + d.algorithm() + "/" + d.hex();
  }

  public static String tags(RepoName name) {
    return repo(name) + "/" + TAGS;
  }

  public static String tag(RepoName name, Tag tag) {
    return tags(name) + "/" + tag.value();
  }

  public static String referrers(RepoName name, Digest subject) {
    return repo(name) + "/" + REFERRERS + "/" + subject.algorithm() + "/" + subject.hex();
  }

  public static String referrer(RepoName name, Digest subject, Digest referrer) {
    return referrers(name, subject) + "/" + referrer.algorithm() + "-" + referrer.hex();
  }

  public static String upload(RepoName name, String id) {
    return repo(name) + "/" + UPLOADS + "/" + id;
  }

  /** Checks that every segment of {@code key} is a plain name (no {@code ..}, no empty part). */
  public static String checkKey(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("empty storage key");
    }
    for (String seg : key.split("/", -1)) {
      if (!SEGMENT.matcher(seg).matches()) {
        throw new IllegalArgumentException("bad storage key '" + key + "'");
      }
    }
    return key;
  }
}
