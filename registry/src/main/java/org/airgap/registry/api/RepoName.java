package org.airgap.registry.api;

import java.util.regex.Pattern;

/**
 * A repository name per the distribution spec's grammar: path components of lowercase letters and
 * digits joined by {@code .}, {@code _}, {@code __} or runs of {@code -}, separated by {@code /};
 * at most 255 characters. Since no component may start with {@code _} or {@code .}, a valid name
 * can never climb out of the storage folder nor collide with the storage's {@code _}-prefixed
 * folders.
 */
public record RepoName(String value) implements Comparable<RepoName> {
  public static final int MAX_LENGTH = 255;
  private static final Pattern GRAMMAR =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

  public RepoName {
    if (value.length() > MAX_LENGTH) {
      throw ErrorCode.NAME_INVALID.withMessage(
          "repository name is longer than " + MAX_LENGTH + " characters");
    }
    if (!GRAMMAR.matcher(value).matches()) {
      throw ErrorCode.NAME_INVALID.withMessage(
          "invalid repository name '"
              + value
              + "': lowercase path components [a-z0-9] joined by '.', '_', '__' or '-', "
              + "separated by '/'");
    }
  }

  /** Parses a name; throws {@link RegistryException} with NAME_INVALID. */
  public static RepoName parse(String text) {
    if (text == null) {
      throw ErrorCode.NAME_INVALID.withMessage("missing repository name");
    }
    return new RepoName(text);
  }

  @Override
  public int compareTo(RepoName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
