package org.airgap.registry.mirror;

import java.time.Duration;

/** Attempts and waits: {@code initial}, doubling up to {@code max}. */
record Backoff(int attempts, Duration initial, Duration max) {
  static Backoff of(ClientOptions o) {
    return new Backoff(o.maxAttempts(), o.initialBackoff(), o.maxBackoff());
  }

  /** Sleeps before the attempt after {@code failures} failed ones. */
  void pause(int failures) {
    Duration d = initial;
    for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    RegistryClient.sleep(d.compareTo(max) > 0 ? max : d);
  }
}
