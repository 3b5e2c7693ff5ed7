package org.airgap.registry.storage.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads S3 secrets from files, so they never sit in airgap.yaml: a secret-key file (the key alone,
 * surrounding whitespace ignored) or an AWS-style credentials file ({@code [default]} section with
 * {@code aws_access_key_id} and {@code aws_secret_access_key}).
 */
public final class S3Credentials {
  private S3Credentials() {}

  /** An access key id and its secret. */
  public record Pair(String accessKeyId, String secretKey) {
    @Override
    public String toString() {
      return "Pair[" + accessKeyId + "]";
    }
  }

  public static String secretKeyFile(Path file) throws IOException {
    String s = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (s.isEmpty()) {
      throw new IOException(file + " is empty");
    }
    return s;
  }

  /** The {@code profile} section (usually {@code default}) of an ini credentials file. */
  public static Pair credentialsFile(Path file, String profile) throws IOException {
    String section = null;
    String id = null;
    String secret = null;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1).strip();
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0 || !profile.equals(section)) {
        continue;
      }
      String k = line.substring(0, eq).strip();
      String v = line.substring(eq + 1).strip();
      if (k.equals("aws_access_key_id")) {
        id = v;
      } else if (k.equals("aws_secret_access_key")) {
        secret = v;
      }
    }
    if (id == null || secret == null) {
      throw new IOException(
          file
              + ": no aws_access_key_id and aws_secret_access_key in ["
              + profile
              + "]"
              + Optional.ofNullable(section).map(s -> "").orElse(" (no section found)"));
    }
    return new Pair(id, secret);
  }
}
