package org.airgap.appliance.services;

import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.Urls;
import org.airgap.appliance.pki.Pki;
import org.airgap.dns.MutableRecordSource;
import org.airgap.registry.auth.Htpasswd;

/**
 * What every service unit may use: the config, the data dir, TLS material, users, and the DNS
 * records that DHCP leases publish ({@code <hostname>.<domain>} → leased address, and PTR).
 */
public record ApplianceContext(
    AirgapConfig config, Pki pki, Htpasswd users, Urls urls, MutableRecordSource leaseRecords) {

  public Path dataDir() {
    return config.dataDir();
  }

  /** A server TLS context for {@code service} from the site PKI, when {@code enabled}. */
  public Optional<SSLContext> tls(String service, boolean enabled) {
    return enabled ? Optional.of(pki.serverContext(service)) : Optional.empty();
  }
}
