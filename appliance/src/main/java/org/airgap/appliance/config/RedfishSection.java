package org.airgap.appliance.config;

import java.nio.file.Path;
import java.util.List;

/** {@code redfish:} the Redfish virtual-media BMC facade. */
public record RedfishSection(
    Boolean enabled,
    List<ListenAddress> listen,
    Boolean tls,
    String advertise,
    String driver,
    Path htpasswd) {

  public RedfishSection {
    enabled = enabled == null || enabled;
    listen = listen == null ? List.of(ListenAddress.parse("[::]:9000")) : List.copyOf(listen);
    tls = tls == null || tls;
    driver = driver == null ? "memory" : driver;
  }

  void validate(Problems p) {
    Sections.validateListen(p, "redfish", listen, enabled);
    Sections.validateAdvertise(p, "redfish.advertise", advertise);
    if (!List.of("memory", "libvirt").contains(driver)) {
      p.add("redfish.driver", "unknown driver '" + driver + "'", "one of: memory, libvirt");
    }
  }

  /** Every key at its default. */
  public static RedfishSection defaults() {
    return new RedfishSection(null, null, null, null, null, null);
  }
}
