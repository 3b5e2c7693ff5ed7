package org.airgap.websrv;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/** What the web server needs: where to listen and which folder to serve. */
public record WebServerConfig(List<InetSocketAddress> listen, Path root, boolean directoryIndex) {
  public WebServerConfig {
    listen = List.copyOf(listen);
  }
}
