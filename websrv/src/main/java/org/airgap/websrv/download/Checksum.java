package org.airgap.websrv.download;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** An expected digest: the algorithm and the lower-case hex value. */
public record Checksum(Algorithm algorithm, String hex) {

  /** The digests the downloader verifies. */
  public enum Algorithm {
    SHA256("SHA-256", 64),
    SHA512("SHA-512", 128);

    private final String jcaName;
    private final int hexLength;

    Algorithm(String jcaName, int hexLength) {
      this.jcaName = jcaName;
      this.hexLength = hexLength;
    }

    public MessageDigest newDigest() {
      try {
        return MessageDigest.getInstance(jcaName);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(jcaName + " missing from the JDK", e);
      }
    }

    /** {@code sha256}, {@code sha512}: the prefix of {@link #toString()}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Checksum {
    hex = hex.strip().toLowerCase(Locale.ROOT);
    if (hex.length() != algorithm.hexLength || !hex.chars().allMatch(Checksum::isHex)) {
      throw new IllegalArgumentException(
          "'"
              + hex
              + "' is not a "
              + algorithm.label()
              + " hex digest ("
              + algorithm.hexLength
              + " hex digits)");
    }
  }

  public static Checksum sha256(String hex) {
    return new Checksum(Algorithm.SHA256, hex);
  }

  public static Checksum sha512(String hex) {
    return new Checksum(Algorithm.SHA512, hex);
  }

  /** {@code sha256:HEX}, {@code sha512:HEX}, or bare hex (the length tells the algorithm). */
  public static Checksum parse(String text) {
    String s = text.strip();
    int colon = s.indexOf(':');
    if (colon >= 0) {
      String alg = s.substring(0, colon).toLowerCase(Locale.ROOT).replace("-", "");
      String hex = s.substring(colon + 1);
      return switch (alg) {
        case "sha256" -> sha256(hex);
        case "sha512" -> sha512(hex);
        default -> throw new IllegalArgumentException("unknown digest algorithm '" + alg + "'");
      };
    }
    return s.length() == 128 ? sha512(s) : sha256(s);
  }

  /** Whether {@code digest} (finished) equals this checksum. */
  public boolean matches(byte[] digest) {
    return HexFormat.of().formatHex(digest).equals(hex);
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  @Override
  public String toString() {
    return algorithm.label() + ":" + hex;
  }
}
