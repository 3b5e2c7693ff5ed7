package org.airgap.appliance;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.pki.Pki;

/** Configs and clients for tests that run the whole appliance on port 0. */
public final class TestSites {
  private TestSites() {}

  /** Every service's listener on loopback port 0, as YAML lines to follow a site or spec. */
  public static final String LOOPBACK =
      "registry: { listen: [\"127.0.0.1:0\"] }\n"
          + "websrv: { listen: [\"127.0.0.1:0\"] }\n"
          + "dns: { listen: [\"127.0.0.1:0\"] }\n"
          + "redfish: { listen: [\"127.0.0.1:0\"] }\n"
          + "admin: { listen: [\"127.0.0.1:0\"] }\n";

  /** Every service on loopback port 0 (IPv4 and IPv6 where it matters), data in {@code dir}. */
  public static String yaml(Path dir) {
    return "data-dir: "
        + dir
        + "\n"
        + "site:\n"
        + "  domain: example.com\n"
        + "  addresses: [192.168.126.1, \"2620:52:0:1306::1\"]\n"
        + "  hostnames: [registry.example.com]\n"
        + "registry: { listen: [\"127.0.0.1:0\", \"[::1]:0\"] }\n"
        + "websrv: { listen: [\"127.0.0.1:0\"] }\n"
        + "dns: { listen: [\"127.0.0.1:0\"] }\n"
        + "redfish: { listen: [\"127.0.0.1:0\"] }\n"
        + "admin: { listen: [\"127.0.0.1:0\"] }\n";
  }

  public static AirgapConfig config(Path dir) {
    return ConfigLoader.parse(yaml(dir), "test.yaml");
  }

  /** An HTTP client that trusts only the site CA. */
  public static HttpClient client(Pki pki) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", pki.ca());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
  }
}
