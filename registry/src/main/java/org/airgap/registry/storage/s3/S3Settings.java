package org.airgap.registry.storage.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the S3 store keeps its objects and how it gets there: an S3-compatible endpoint (Ceph RGW,
 * MinIO, ODF, AWS), path-style, with static credentials only (never the SDK's default chain, which
 * probes the instance-metadata address and stalls start-up on a bastion).
 *
 * @param endpoint {@code https://rgw.example:8443} (or http on a trusted link)
 * @param bucket the bucket; it must exist
 * @param prefix the key prefix every object of this registry goes under: empty or ending in {@code
 *     /}
 * @param region the SigV4 signing region (RGW and MinIO accept {@code us-east-1})
 * @param caFile PEM certificates to trust for the endpoint instead of the JDK's CAs
 * @param accessKeyId the access key
 * @param secretKey the secret key (read from the secret file or credentials file by the caller)
 */
public record S3Settings(
    URI endpoint,
    String bucket,
    String prefix,
    String region,
    Optional<Path> caFile,
    String accessKeyId,
    String secretKey) {
  public S3Settings {
    if (endpoint.getScheme() == null
        || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException("endpoint must be http(s)://HOST[:PORT], not " + endpoint);
    }
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("bad bucket name '" + bucket + "'");
    }
    prefix = normalizePrefix(prefix);
    region = region == null || region.isBlank() ? "us-east-1" : region;
    if (accessKeyId == null || accessKeyId.isBlank()) {
      throw new IllegalArgumentException("no access key id");
    }
    if (secretKey == null || secretKey.isBlank()) {
      throw new IllegalArgumentException("no secret key");
    }
  }

  /** {@code ""}, or the prefix with exactly one trailing {@code /} and no leading one. */
  public static String normalizePrefix(String p) {
    if (p == null) {
      return "";
    }
    String s = p.strip();
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.contains("//") || s.contains("..")) {
      throw new IllegalArgumentException("bad prefix '" + p + "'");
    }
    return s.isEmpty() ? "" : s + "/";
  }

  @Override
  public String toString() {
    // never print the secret
    return "S3Settings[" + endpoint + " bucket=" + bucket + " prefix=" + prefix + "]";
  }
}
