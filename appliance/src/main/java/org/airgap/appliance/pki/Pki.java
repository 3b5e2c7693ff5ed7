package org.airgap.appliance.pki;

import javax.net.ssl.SSLContext;

/** The site CA and the per-service server certificates. */
public final class Pki {
  public SSLContext serverContext(String service) {
    throw new UnsupportedOperationException("not yet");
  }
}
