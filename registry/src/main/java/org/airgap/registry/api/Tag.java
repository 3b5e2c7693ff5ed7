package org.airgap.registry.api;

import java.util.regex.Pattern;

/**
 * A tag: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. Never starts with {@code .}, so it is a safe
 * file name. Sigstore's {@code sha256-<hex>.sig} is a tag like any other.
 */
public record Tag(String value) implements Comparable<Tag> {
  private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  public Tag {
    if (!GRAMMAR.matcher(value).matches()) {
      throw ErrorCode.TAG_INVALID.withMessage(
          "invalid tag '" + value + "': [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    }
  }

  public static Tag parse(String text) {
    if (text == null) {
      throw ErrorCode.TAG_INVALID.withMessage("missing tag");
    }
    return new Tag(text);
  }

  @Override
  public int compareTo(Tag o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
