package org.airgap.redfish;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** What the Redfish facade needs. (Placeholder shape; the Redfish issue extends it.) */
public record RedfishConfig(
    List<InetSocketAddress> listen, Optional<SSLContext> tls, String driver) {
  public RedfishConfig {
    listen = List.copyOf(listen);
  }
}
