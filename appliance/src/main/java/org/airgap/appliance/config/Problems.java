package org.airgap.appliance.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what is wrong with a config, each against the key path it concerns ({@code
 * registry.listen[0]}); {@link ConfigLoader} turns paths into file, line and column.
 */
public final class Problems {
  /** One problem: the key path, what is wrong, and a hint (may be empty). */
  public record Problem(String path, String message, String hint) {}

  private final List<Problem> list = new ArrayList<>();

  public void add(String path, String message, String hint) {
    list.add(new Problem(path, message, hint == null ? "" : hint));
  }

  public void add(String path, String message) {
    add(path, message, "");
  }

  /** Runs {@code check}; an {@link IllegalArgumentException} it throws becomes a problem. */
  public void check(String path, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      add(path, e.getMessage());
    }
  }

  public List<Problem> list() {
    return List.copyOf(list);
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }
}
