package org.airgap.appliance.config;

import java.nio.file.Path;
import java.util.List;

/** {@code registry:} the OCI distribution registry. */
public record RegistrySection(
    Boolean enabled,
    List<ListenAddress> listen,
    Boolean tls,
    String advertise,
    Path htpasswd,
    Boolean anonymousPull) {

  public RegistrySection {
    enabled = enabled == null || enabled;
    listen = listen == null ? List.of(ListenAddress.parse("[::]:5000")) : List.copyOf(listen);
    tls = tls == null || tls;
    anonymousPull = anonymousPull != null && anonymousPull;
  }

  void validate(Problems p) {
    Sections.validateListen(p, "registry", listen, enabled);
    Sections.validateAdvertise(p, "registry.advertise", advertise);
  }

  /** Every key at its default. */
  public static RegistrySection defaults() {
    return new RegistrySection(null, null, null, null, null, null);
  }
}
