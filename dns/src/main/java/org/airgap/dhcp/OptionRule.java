package org.airgap.dhcp;

import java.util.List;

/**
 * A configured option: sent to clients carrying every tag of {@code tags} ({@code !T}: not carrying
 * T); with {@code force} even when the client did not ask for it.
 */
public record OptionRule(List<String> tags, OptionValue value, boolean force) {
  public OptionRule {
    tags = List.copyOf(tags);
  }
}
