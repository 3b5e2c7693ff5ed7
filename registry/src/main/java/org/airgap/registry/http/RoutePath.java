package org.airgap.registry.http;

import java.util.Optional;
import org.airgap.registry.api.RepoName;

/**
 * A request path under {@code /v2/} split into the spec's route groups. Names have any depth, so
 * the group is found from the end: {@code …/blobs/uploads/<id>}, {@code …/blobs/<digest>}, {@code
 * …/manifests/<ref>}, {@code …/tags/list}, {@code …/referrers/<digest>}. The name part is parsed by
 * {@link RepoName} (traversal and bad names are NAME_INVALID).
 *
 * @param name the repository, when the group has one
 * @param ref the last segment: digest, reference or upload id ("" when the group has none)
 */
public record RoutePath(Kind kind, Optional<RepoName> name, String ref) {

  /** The spec's route groups, by path shape. */
  public enum Kind {
    BASE,
    CATALOG,
    BLOB,
    UPLOADS,
    UPLOAD,
    MANIFEST,
    TAGS,
    REFERRERS
  }

  /** Parses a decoded request path; empty when it is not a registry path. */
  public static Optional<RoutePath> parse(String path) {
    if (path.equals("/v2") || path.equals("/v2/")) {
      return Optional.of(new RoutePath(Kind.BASE, Optional.empty(), ""));
    }
    if (!path.startsWith("/v2/")) {
      return Optional.empty();
    }
    String rest = path.substring(4);
    if (rest.equals("_catalog")) {
      return Optional.of(new RoutePath(Kind.CATALOG, Optional.empty(), ""));
    }
    if (rest.endsWith("/blobs/uploads/") || rest.endsWith("/blobs/uploads")) {
      String name = rest.substring(0, rest.lastIndexOf("/blobs/uploads"));
      return named(Kind.UPLOADS, name, "");
    }
    if (rest.endsWith("/tags/list")) {
      return named(Kind.TAGS, rest.substring(0, rest.length() - "/tags/list".length()), "");
    }
    int slash = rest.lastIndexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String last = rest.substring(slash + 1);
    String head = rest.substring(0, slash);
    if (last.isEmpty()) {
      return Optional.empty();
    }
    if (head.endsWith("/blobs/uploads")) {
      return named(Kind.UPLOAD, head.substring(0, head.length() - "/blobs/uploads".length()), last);
    }
    int slash2 = head.lastIndexOf('/');
    if (slash2 <= 0) {
      return Optional.empty();
    }
    String group = head.substring(slash2 + 1);
    String name = head.substring(0, slash2);
    return switch (group) {
      case "blobs" -> named(Kind.BLOB, name, last);
      case "manifests" -> named(Kind.MANIFEST, name, last);
      case "referrers" -> named(Kind.REFERRERS, name, last);
      default -> Optional.empty();
    };
  }

  private static Optional<RoutePath> named(Kind kind, String name, String ref) {
    return Optional.of(new RoutePath(kind, Optional.of(RepoName.parse(name)), ref));
  }
}
