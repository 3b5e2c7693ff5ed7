package org.airgap.appliance.config;

import java.util.List;

/** The config cannot be used; each line names the file, line, column and key path. */
public final class ConfigException extends RuntimeException {
  private final List<String> lines;

  public ConfigException(List<String> lines) {
    super(String.join("\n", lines));
    this.lines = List.copyOf(lines);
  }

  public List<String> lines() {
    return lines;
  }
}
