package org.airgap.registry.mirror;

import java.io.IOException;
import java.net.Socket;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;

/** Verified TLS for every registry but those marked insecure, which get the trust-all strategy. */
record PerHostTls(TlsSocketStrategy verified, TlsSocketStrategy trustAll, Set<String> insecure)
    implements TlsSocketStrategy {
  @Override
  public SSLSocket upgrade(
      Socket socket, String target, int port, Object attachment, HttpContext context)
      throws IOException {
    String host = target.contains(":") && !target.startsWith("[") ? "[" + target + "]" : target;
    boolean skip = insecure.contains(host + ":" + port) || (port == 443 && insecure.contains(host));
    return (skip ? trustAll : verified).upgrade(socket, target, port, attachment, context);
  }
}
