package org.airgap.appliance.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The server side's choice of cipher suite: AES-128-GCM before AES-256-GCM, and the server's order
 * wins over the client's. The JDK's own order, and curl's, OpenSSL's and Go's client order, put
 * AES-256 first; Go's servers (distribution, the registry this one replaces) and Mozilla's
 * "intermediate" profile put AES-128 first. Both are safe; AES-128 does 10 rounds instead of 14,
 * which on blob-sized transfers is CPU that both ends get back (the client shares the bastion's
 * cores with the server when it is skopeo or oc-mirror on the same host).
 *
 * <p>The suites offered are the JDK's defaults, only reordered; nothing is enabled that was not.
 */
final class ServerSuites {
  private ServerSuites() {}

  /** {@code context}, whose server engines prefer AES-128-GCM. */
  static SSLContext preferAes128(SSLContext context) {
    return new SSLContext(new Spi(context), context.getProvider(), context.getProtocol()) {};
  }

  /** {@code suites} with each AES-128-GCM suite moved just before its AES-256-GCM counterpart. */
  static String[] reorder(String[] suites) {
    Set<String> present = new LinkedHashSet<>(Arrays.asList(suites));
    Set<String> out = new LinkedHashSet<>();
    for (String s : suites) {
      String lighter = s.replace("AES_256_GCM_SHA384", "AES_128_GCM_SHA256");
      if (!lighter.equals(s) && present.contains(lighter)) {
        out.add(lighter);
      }
      out.add(s);
    }
    return out.toArray(String[]::new);
  }

  /** {@code p}, reordered and with the server's order winning. */
  private static SSLParameters preferring(SSLParameters p) {
    p.setCipherSuites(reorder(p.getCipherSuites()));
    p.setUseCipherSuitesOrder(true);
    return p;
  }

  private static SSLEngine tuned(SSLEngine e) {
    e.setSSLParameters(preferring(e.getSSLParameters()));
    return e;
  }

  private static ServerSocket tuned(ServerSocket s) {
    SSLServerSocket ss = (SSLServerSocket) s;
    ss.setSSLParameters(preferring(ss.getSSLParameters()));
    return ss;
  }

  private static final class ServerSocketFactory extends SSLServerSocketFactory {
    private final SSLServerSocketFactory d;

    ServerSocketFactory(SSLServerSocketFactory delegate) {
      this.d = delegate;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return tuned(d.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return tuned(d.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return tuned(d.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bind)
        throws IOException {
      return tuned(d.createServerSocket(port, backlog, bind));
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return reorder(d.getDefaultCipherSuites());
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return d.getSupportedCipherSuites();
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext d;

    Spi(SSLContext delegate) {
      this.d = delegate;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      d.init(km, tm, sr);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return d.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new ServerSocketFactory(d.getServerSocketFactory());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return tuned(d.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return tuned(d.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return d.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return d.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return preferring(d.getDefaultSSLParameters());
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return d.getSupportedSSLParameters();
    }
  }
}
