package org.airgap.registry.mirror;

import java.util.Optional;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RegistryException;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.api.Tag;

/**
 * An image reference {@code [REGISTRY/]REPOSITORY[:TAG][@DIGEST]} as container tools spell it. A
 * first component with a dot, a colon, or {@code localhost} is a registry; without one the image is
 * on Docker Hub ({@code docker.io}, {@code library/} for single names).
 *
 * @param registry host or host:port, as written (IPv6 literals bracketed)
 * @param repository the repository path within the registry
 * @param tag the tag, if any
 * @param digest the digest, if any (it wins over the tag when both are given)
 */
public record ImageRef(
    String registry, RepoName repository, Optional<Tag> tag, Optional<Digest> digest) {

  public ImageRef {
    if (registry.isEmpty() || registry.contains("/")) {
      throw new IllegalArgumentException("bad registry '" + registry + "'");
    }
  }

  /** Parses a reference; a reference with neither tag nor digest means {@code :latest}. */
  public static ImageRef parse(String text) {
    String s = text.strip();
    if (s.startsWith("docker://")) {
      s = s.substring("docker://".length());
    }
    try {
      Optional<Digest> digest = Optional.empty();
      int at = s.indexOf('@');
      if (at >= 0) {
        digest = Optional.of(Digest.parse(s.substring(at + 1)));
        s = s.substring(0, at);
      }
      Optional<Tag> tag = Optional.empty();
      int slash = s.lastIndexOf('/');
      int colon = s.lastIndexOf(':');
      if (colon > slash) {
        tag = Optional.of(Tag.parse(s.substring(colon + 1)));
        s = s.substring(0, colon);
      }
      String registry;
      String repo;
      int first = s.indexOf('/');
      String head = first < 0 ? "" : s.substring(0, first);
      if (first > 0 && (head.contains(".") || head.contains(":") || head.equals("localhost"))) {
        registry = head;
        repo = s.substring(first + 1);
      } else {
        registry = "docker.io";
        repo = first < 0 ? "library/" + s : s;
      }
      if (tag.isEmpty() && digest.isEmpty()) {
        tag = Optional.of(new Tag("latest"));
      }
      return new ImageRef(registry, RepoName.parse(repo), tag, digest);
    } catch (RegistryException | IllegalArgumentException e) {
      throw new MirrorException(
          MirrorException.Kind.USAGE, "bad image reference '" + text + "': " + e.getMessage(), e);
    }
  }

  /** The tag, else the digest: what to ask the registry for. */
  public String reference() {
    return digest.map(Digest::toString).orElseGet(() -> tag.orElseThrow().value());
  }

  /** The same image in another registry and repository, tag and digest kept. */
  public ImageRef in(String otherRegistry, RepoName otherRepository) {
    return new ImageRef(otherRegistry, otherRepository, tag, digest);
  }

  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + tag.map(t -> ":" + t.value()).orElse("")
        + digest.map(d -> "@" + d).orElse("");
  }
}
