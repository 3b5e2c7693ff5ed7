package org.airgap.websrv.images;

/**
 * One {@code AgentServiceConfig.spec.osImages} entry, with file names where the URLs go (the caller
 * builds URLs from the site's host name).
 */
public record OsImage(
    String cpuArchitecture,
    String openshiftVersion,
    String version,
    String isoFile,
    String rootfsFile) {}
