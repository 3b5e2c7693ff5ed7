package org.airgap.registry.api;

import java.util.Optional;

/** The {@code <reference>} of a manifest URL: a tag or a digest. */
public sealed interface Reference permits Reference.ByTag, Reference.ByDigest {

  record ByTag(Tag tag) implements Reference {
    @Override
    public String toString() {
      return tag.value();
    }
  }

  record ByDigest(Digest digest) implements Reference {
    @Override
    public String toString() {
      return digest.toString();
    }
  }

  /** A digest when the text has an algorithm prefix, else a tag. */
  static Reference parse(String text) {
    if (Digest.looksLikeDigest(text)) {
      return new ByDigest(Digest.parse(text));
    }
    return new ByTag(Tag.parse(text));
  }

  default Optional<Digest> asDigest() {
    return this instanceof ByDigest d ? Optional.of(d.digest()) : Optional.empty();
  }

  default Optional<Tag> asTag() {
    return this instanceof ByTag t ? Optional.of(t.tag()) : Optional.empty();
  }
}
