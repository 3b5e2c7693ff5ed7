package org.airgap.appliance.config;

import java.util.List;

/** Checks shared by the service sections. */
final class Sections {
  private Sections() {}

  static void validateListen(
      Problems p, String section, List<ListenAddress> listen, boolean enabled) {
    if (enabled && listen.isEmpty()) {
      p.add(
          section + ".listen",
          "needs at least one address",
          "or set " + section + ".enabled: false");
    }
  }

  static void validateAdvertise(Problems p, String path, String advertise) {
    if (advertise == null) {
      return;
    }
    p.check(path, () -> Advertise.parse(advertise));
  }
}
