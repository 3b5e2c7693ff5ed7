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
    Gc gc) {

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
  }

  void validate(Problems p) {
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
    return new RegistrySection(null, null, null, null, null, null, null, null);
  }
}
