package org.airgap.appliance.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code websrv:} the RHCOS image web server. {@code root} defaults to {@code <data-dir>/srv}.
 *
 * @param tlsListen optional HTTPS addresses (certificate from the site PKI; bodies are copied, not
 *     sent with sendfile); empty by default
 * @param allowedSymlinkTargets folders outside the root that symlinks under it may point into
 * @param maxRanges the most ranges one request may ask for; more get the whole file (200)
 * @param idleTimeout seconds a connection may make no progress before it is closed
 */
public record WebsrvSection(
    Boolean enabled,
    List<ListenAddress> listen,
    Path root,
    String advertise,
    Boolean directoryIndex,
    List<ListenAddress> tlsListen,
    List<Path> allowedSymlinkTargets,
    Integer maxRanges,
    Integer idleTimeout) {

  public static final int DEFAULT_MAX_RANGES = 16;
  public static final int DEFAULT_IDLE_TIMEOUT = 120;

  public WebsrvSection {
    enabled = enabled == null || enabled;
    listen = listen == null ? List.of(ListenAddress.parse("[::]:8080")) : List.copyOf(listen);
    directoryIndex = directoryIndex == null || directoryIndex;
    tlsListen = tlsListen == null ? List.of() : List.copyOf(tlsListen);
    allowedSymlinkTargets =
        allowedSymlinkTargets == null ? List.of() : List.copyOf(allowedSymlinkTargets);
    maxRanges = maxRanges == null ? DEFAULT_MAX_RANGES : maxRanges;
    idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
  }

  void validate(Problems p) {
    Sections.validateListen(p, "websrv", listen, enabled);
    Sections.validateAdvertise(p, "websrv.advertise", advertise);
    if (maxRanges < 1 || maxRanges > 1000) {
      p.add("websrv.max-ranges", "must be between 1 and 1000", "the default is 16");
    }
    if (idleTimeout < 1) {
      p.add("websrv.idle-timeout", "must be at least 1 second", "the default is 120");
    }
    for (int i = 0; i < tlsListen.size(); i++) {
      for (int j = 0; j < listen.size(); j++) {
        if (tlsListen.get(i).overlaps(listen.get(j))) {
          p.add(
              "websrv.tls-listen[" + i + "]",
              "port " + tlsListen.get(i).port() + " is also used by websrv.listen[" + j + "]",
              "give HTTPS its own port");
        }
      }
    }
    for (int i = 0; i < allowedSymlinkTargets.size(); i++) {
      if (!allowedSymlinkTargets.get(i).isAbsolute()) {
        p.add("websrv.allowed-symlink-targets[" + i + "]", "must be an absolute path");
      }
    }
  }

  /** Every key at its default. */
  public static WebsrvSection defaults() {
    return new WebsrvSection(null, null, null, null, null, null, null, null, null);
  }
}
