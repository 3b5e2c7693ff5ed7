package org.airgap.registry.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest {@code algorithm:hex}, one of the two algorithms the OCI image spec registers:
 * {@code sha256} (64 hex digits) and {@code sha512} (128). {@link #parse} is the way in; anything
 * else is {@link ErrorCode#DIGEST_INVALID}.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

  public Digest {
    int len =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default ->
              throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        };
    if (hex.length() != len || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          algorithm + " digest needs " + len + " lowercase hex digits");
    }
  }

  /** Parses {@code sha256:…}; throws {@link RegistryException} with DIGEST_INVALID. */
  public static Digest parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon <= 0) {
      throw ErrorCode.DIGEST_INVALID.withMessage("invalid digest '" + text + "'");
    }
    try {
      return new Digest(text.substring(0, colon), text.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw ErrorCode.DIGEST_INVALID.withMessage(
          "invalid digest '" + text + "': " + e.getMessage());
    }
  }

  /** Whether {@code text} looks like a digest (has an algorithm prefix), valid or not. */
  public static boolean looksLikeDigest(String text) {
    return text.indexOf(':') > 0;
  }

  /** A new {@link MessageDigest} for this algorithm. */
  public MessageDigest newHasher() {
    return hasher(algorithm);
  }

  public static MessageDigest hasher(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The digest of a finished hasher. */
  public static Digest of(String algorithm, MessageDigest finished) {
    return new Digest(algorithm, HexFormat.of().formatHex(finished.digest()));
  }

  /** The sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    MessageDigest md = hasher("sha256");
    md.update(bytes);
    return of("sha256", md);
  }

  /** The digest of {@code bytes} with this digest's algorithm. */
  public Digest recompute(byte[] bytes) {
    MessageDigest md = newHasher();
    md.update(bytes);
    return of(algorithm, md);
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
