package org.airgap.appliance.config;

import java.nio.file.Path;
import java.util.List;

/** {@code websrv:} the RHCOS image web server. {@code root} defaults to {@code <data-dir>/srv}. */
public record WebsrvSection(
    Boolean enabled,
    List<ListenAddress> listen,
    Path root,
    String advertise,
    Boolean directoryIndex) {

  public WebsrvSection {
    enabled = enabled == null || enabled;
    listen = listen == null ? List.of(ListenAddress.parse("[::]:8080")) : List.copyOf(listen);
    directoryIndex = directoryIndex == null || directoryIndex;
  }

  void validate(Problems p) {
    Sections.validateListen(p, "websrv", listen, enabled);
    Sections.validateAdvertise(p, "websrv.advertise", advertise);
  }

  /** Every key at its default. */
  public static WebsrvSection defaults() {
    return new WebsrvSection(null, null, null, null, null);
  }
}
