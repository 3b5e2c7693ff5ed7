package org.airgap.registry.storage;

import java.util.Optional;

/**
 * Whether the storage answers: the filesystem always does; a remote store (S3) reports its endpoint
 * down until a probe or a request reaches it again. {@code /readyz} and the registry's 503s read
 * it.
 */
public interface StorageHealth {
  /** Empty when the storage answers; else why not, in a few words. */
  Optional<String> problem();

  /** Checks again now (a remote store probes its endpoint); returns {@link #problem}. */
  default Optional<String> check() {
    return problem();
  }

  /** A store that is always there (local files). */
  StorageHealth ALWAYS = Optional::empty;
}
