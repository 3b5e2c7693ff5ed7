package org.airgap.appliance.cli;

import java.util.Optional;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.registry.storage.Stores;

/**
 * The registry's storage as the maintenance commands ({@code gc}, {@code fsck}, {@code du}) open
 * it: {@code <data-dir>/registry}, or the S3 bucket of {@code registry.storage}, probed first (an
 * unreachable endpoint is an error, not an empty registry).
 */
final class RegistryStorage {
  private RegistryStorage() {}

  static Stores open(AirgapConfig cfg) throws Exception {
    Stores s =
        Stores.open(
            cfg.dataDir().resolve("registry"),
            cfg.registry().s3Settings(),
            cfg.registry().upkeep().gcGrace());
    Optional<String> down = s.health().check();
    if (down.isPresent()) {
      s.close();
      throw new IllegalStateException("registry storage unavailable: " + down.get());
    }
    return s;
  }
}
