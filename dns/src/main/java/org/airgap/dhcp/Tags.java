package org.airgap.dhcp;

import java.util.List;
import java.util.Set;

/** dnsmasq tag conditions: every {@code T} must be set, every {@code !T} must not. */
final class Tags {
  private Tags() {}

  static boolean match(List<String> conditions, Set<String> tags) {
    for (String c : conditions) {
      boolean ok = c.startsWith("!") ? !tags.contains(c.substring(1)) : tags.contains(c);
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
