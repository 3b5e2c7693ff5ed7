package org.airgap.appliance.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.RegistryConfig;

/** {@code registry:} the OCI distribution registry. */
public record RegistrySection(
    Boolean enabled,
    List<ListenAddress> listen,
    Boolean tls,
    String advertise,
    Path htpasswd,
    Boolean anonymousPull,
    Uploads uploads,
    Gc gc,
    Storage storage) {

  /**
   * {@code registry.storage}: {@code driver} {@code filesystem} (default: {@code
   * <data-dir>/registry}) or {@code s3} (the {@code s3:} bucket; several airgap instances may share
   * it).
   */
  public record Storage(String driver, S3 s3) {
    public Storage {
      driver = driver == null ? "filesystem" : driver;
    }
  }

  /**
   * {@code registry.storage.s3}: an S3-compatible endpoint (Ceph RGW, MinIO, ODF), path-style,
   * static credentials: {@code access-key-id} with {@code secret-key-file}, or {@code
   * credentials-file} (the AWS ini form, section {@code [default]}).
   */
  public record S3(
      String endpoint,
      String bucket,
      String prefix,
      String region,
      Path caFile,
      String accessKeyId,
      Path secretKeyFile,
      Path credentialsFile) {
    public S3 {
      region = region == null ? "us-east-1" : region;
      prefix = prefix == null ? "" : prefix;
    }
  }

  /** {@code registry.uploads}: {@code max-age} of an abandoned upload before it is purged. */
  public record Uploads(String maxAge) {
    public Uploads {
      maxAge = maxAge == null ? "24h" : maxAge;
    }
  }

  /**
   * {@code registry.gc}: {@code grace} (unreferenced blobs touched more recently are kept), {@code
   * schedule} (an interval: the daemon runs gc itself; null: only the CLI), {@code delete-untagged}
   * (for scheduled runs).
   */
  public record Gc(String grace, String schedule, Boolean deleteUntagged) {
    public Gc {
      grace = grace == null ? "24h" : grace;
      deleteUntagged = deleteUntagged != null && deleteUntagged;
    }
  }

  public RegistrySection {
    enabled = enabled == null || enabled;
    listen = listen == null ? List.of(ListenAddress.parse("[::]:5000")) : List.copyOf(listen);
    tls = tls == null || tls;
    anonymousPull = anonymousPull != null && anonymousPull;
    uploads = uploads == null ? new Uploads(null) : uploads;
    gc = gc == null ? new Gc(null, null, null) : gc;
    storage = storage == null ? new Storage(null, null) : storage;
  }

  void validate(Problems p) {
    validateStorage(p);
    Sections.validateListen(p, "registry", listen, enabled);
    Sections.validateAdvertise(p, "registry.advertise", advertise);
    p.check("registry.uploads.max-age", () -> positive(uploads.maxAge()));
    p.check("registry.gc.grace", () -> ConfigDurations.parse(gc.grace()));
    if (gc.schedule() != null) {
      p.check(
          "registry.gc.schedule",
          () -> {
            if (positive(gc.schedule()).toMinutes() < 1) {
              throw new IllegalArgumentException("at least 1m");
            }
          });
    }
  }

  private void validateStorage(Problems p) {
    if (!storage.driver().equals("filesystem") && !storage.driver().equals("s3")) {
      p.add(
          "registry.storage.driver",
          "unknown driver '" + storage.driver() + "'",
          "filesystem (default) or s3");
      return;
    }
    if (storage.driver().equals("filesystem")) {
      return;
    }
    if (storage.s3() == null) {
      p.add("registry.storage", "driver s3 needs an s3: section", "endpoint, bucket, credentials");
      return;
    }
    S3 s = storage.s3();
    int before = p.list().size();
    if (s.endpoint() == null) {
      p.add("registry.storage.s3", "endpoint missing", "e.g. https://rgw.example:8443");
    }
    if (s.bucket() == null) {
      p.add("registry.storage.s3", "bucket missing", "an existing bucket, e.g. airgap-registry");
    }
    if (s.credentialsFile() == null && (s.accessKeyId() == null || s.secretKeyFile() == null)) {
      p.add(
          "registry.storage.s3",
          "credentials missing",
          "access-key-id with secret-key-file, or credentials-file");
    }
    if (s.credentialsFile() != null && s.secretKeyFile() != null) {
      p.add(
          "registry.storage.s3.credentials-file",
          "both credentials-file and secret-key-file are set",
          "keep one");
    }
    if (p.list().size() == before) {
      p.check(
          "registry.storage.s3",
          () -> {
            try {
              s3Settings();
            } catch (java.io.IOException e) {
              throw new IllegalArgumentException(e.getMessage());
            }
          });
    }
  }

  /**
   * The S3 settings when {@code driver: s3}, with the secret read from its file; empty for the
   * filesystem.
   */
  public Optional<org.airgap.registry.storage.s3.S3Settings> s3Settings()
      throws java.io.IOException {
    if (!storage.driver().equals("s3") || storage.s3() == null) {
      return Optional.empty();
    }
    S3 s = storage.s3();
    String id = s.accessKeyId();
    String secret;
    if (s.credentialsFile() != null) {
      var pair =
          org.airgap.registry.storage.s3.S3Credentials.credentialsFile(
              s.credentialsFile(), "default");
      id = id == null ? pair.accessKeyId() : id;
      secret = pair.secretKey();
    } else {
      secret = org.airgap.registry.storage.s3.S3Credentials.secretKeyFile(s.secretKeyFile());
    }
    java.net.URI endpoint;
    try {
      endpoint = java.net.URI.create(s.endpoint());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoint '" + s.endpoint() + "' is not a URL");
    }
    if (s.caFile() != null && !java.nio.file.Files.isReadable(s.caFile())) {
      throw new java.io.IOException("ca-file " + s.caFile() + " is not readable");
    }
    return Optional.of(
        new org.airgap.registry.storage.s3.S3Settings(
            endpoint,
            s.bucket(),
            s.prefix(),
            s.region(),
            Optional.ofNullable(s.caFile()),
            id,
            secret));
  }

  private static Duration positive(String text) {
    Duration d = ConfigDurations.parse(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be more than 0");
    }
    return d;
  }

  /** The registry's storage upkeep from these keys (validated). */
  public RegistryConfig.Upkeep upkeep() {
    return new RegistryConfig.Upkeep(
        ConfigDurations.parse(uploads.maxAge()),
        ConfigDurations.parse(gc.grace()),
        Optional.ofNullable(gc.schedule()).map(ConfigDurations::parse),
        gc.deleteUntagged());
  }

  /** Every key at its default. */
  public static RegistrySection defaults() {
    return new RegistrySection(null, null, null, null, null, null, null, null, null);
  }
}
