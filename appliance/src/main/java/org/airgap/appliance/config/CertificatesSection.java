package org.airgap.appliance.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code certificates:} user-supplied server certificates that replace the generated ones, per
 * service: {@code registry: {cert: FILE, key: FILE}}. PEM; the cert file may hold the chain. They
 * are re-read on reload (SIGHUP) and served to new connections without a restart.
 */
public record CertificatesSection(Map<String, CertificateFiles> services) {
  static final Set<String> TLS_SERVICES = Set.of("registry", "redfish", "websrv", "admin");

  /** A PEM certificate (chain) and its private key. */
  public record CertificateFiles(Path cert, Path key) {}

  @com.fasterxml.jackson.annotation.JsonCreator(
      mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
  public CertificatesSection {
    services = services == null ? Map.of() : Map.copyOf(new TreeMap<>(services));
  }

  @com.fasterxml.jackson.annotation.JsonValue
  public Map<String, CertificateFiles> services() {
    return services;
  }

  void validate(Problems p) {
    services.forEach(
        (name, files) -> {
          String at = "certificates." + name;
          if (!TLS_SERVICES.contains(name)) {
            p.add(
                at,
                "not a TLS service",
                "one of: " + String.join(", ", new java.util.TreeSet<>(TLS_SERVICES)));
            return;
          }
          if (files == null || files.cert() == null || files.key() == null) {
            p.add(at, "needs both cert and key", "cert: FILE.crt, key: FILE.key (PEM)");
            return;
          }
          if (!Files.isReadable(files.cert())) {
            p.add(at + ".cert", "cannot read " + files.cert());
          }
          if (!Files.isReadable(files.key())) {
            p.add(at + ".key", "cannot read " + files.key());
          }
        });
  }

  /** Every key at its default. */
  public static CertificatesSection defaults() {
    return new CertificatesSection(null);
  }
}
