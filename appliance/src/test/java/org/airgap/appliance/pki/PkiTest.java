package org.airgap.appliance.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.airgap.appliance.config.Addresses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The site CA and server certificates, checked by every kind of client the appliance serves: the
 * JDK, curl, OpenSSL and Python requests (Ironic's library).
 */
class PkiTest {
  static final String NAME = "registry.example.com";
  static final List<String> SANS = List.of(NAME, "localhost", "192.168.126.1", "2620:52:0:1306::1");

  @TempDir static Path dir;
  static Pki pki;
  static ServerSocket server;
  static Thread acceptor;

  @BeforeAll
  static void startTlsServer() throws Exception {
    pki = new Pki(dir.resolve("pki"), "example.com").init();
    pki.ensure("registry", sans());
    SSLContext ctx = pki.serverContext("registry");
    server = ctx.getServerSocketFactory().createServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  s.setSoTimeout(5000);
                  InputStream in = s.getInputStream();
                  byte[] buf = new byte[4096];
                  int seen = 0;
                  StringBuilder req = new StringBuilder();
                  while (!req.toString().contains("\r\n\r\n") && (seen = in.read(buf)) > 0) {
                    req.append(new String(buf, 0, seen, StandardCharsets.ISO_8859_1));
                  }
                  OutputStream out = s.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                } catch (Exception e) {
                  // a client that fails verification drops the handshake: keep accepting
                }
              }
            },
            "tls-test-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static Pki.Sans sans() {
    return Pki.Sans.of(
        List.of(NAME),
        List.of(Addresses.literal("192.168.126.1"), Addresses.literal("2620:52:0:1306::1")));
  }

  static int port() {
    return server.getLocalPort();
  }

  @Test
  void keysArePrivateAndEcdsa() throws Exception {
    for (String f : List.of("ca.key", "registry.key")) {
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pki/" + f))))
          .isEqualTo("rw-------");
    }
    X509Certificate cert = Pki.readCertificates(pki.certFile("registry")).get(0);
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(pki.ca().getBasicConstraints()).isEqualTo(0);
    assertThat(Pki.sansOf(cert).dnsNames()).containsExactlyInAnyOrder(NAME, "localhost");
    assertThat(Pki.sansOf(cert).ipAddresses())
        .containsExactlyInAnyOrder("127.0.0.1", "::1", "192.168.126.1", "2620:52:0:1306::1");
  }

  @Test
  void restartKeepsTheCaAndTheCertificate() throws Exception {
    Pki again = new Pki(dir.resolve("pki"), "example.com").init();
    assertThat(again.caFingerprint()).isEqualTo(pki.caFingerprint());
    assertThat(again.ensure("registry", sans())).isFalse();
  }

  @Test
  void sanChangeAndNearExpiryReissue(@TempDir Path other) throws Exception {
    Pki p = new Pki(other, "example.com").init();
    assertThat(p.ensure("redfish", sans())).isTrue();
    assertThat(p.ensure("redfish", sans())).isFalse();
    assertThat(p.ensure("redfish", Pki.Sans.of(List.of("other.example.com"), List.of()))).isTrue();
    Clock later =
        Clock.fixed(
            Clock.systemUTC().instant().plus(Pki.SERVER_VALIDITY).minus(Duration.ofDays(20)),
            ZoneOffset.UTC);
    Pki p2 = new Pki(other, "example.com", later).init();
    assertThat(p2.ensure("redfish", Pki.Sans.of(List.of("other.example.com"), List.of()))).isTrue();
  }

  /** A clock the test moves forward. */
  static final class MovableClock extends Clock {
    volatile java.time.Instant now = java.time.Instant.now();

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @Test
  void refreshRenewsAndNewConnectionsSeeTheNewCertificate(@TempDir Path other) throws Exception {
    MovableClock clock = new MovableClock();
    Pki p = new Pki(other, "example.com", clock).init();
    p.ensure("svc", sans());
    SSLContext ctx = p.serverContext("svc");
    try (SSLServerSocket ss =
        (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0)) {
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < 2; i++) {
                  try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write(1);
                  } catch (Exception ignored) {
                    // next
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      java.math.BigInteger first = servedSerial(p, ss.getLocalPort());
      assertThat(p.refresh()).isEmpty();
      clock.now = clock.now.plus(Pki.SERVER_VALIDITY).minus(Duration.ofDays(10));
      assertThat(p.refresh()).containsExactly("svc");
      java.math.BigInteger second = servedSerial(p, ss.getLocalPort());
      assertThat(second).isNotEqualTo(first);
    }
  }

  private static java.math.BigInteger servedSerial(Pki p, int port) throws Exception {
    // the renewed certificate starts in the test's future: read what is served, unverified
    javax.net.ssl.TrustManager readOnly =
        new javax.net.ssl.X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, new javax.net.ssl.TrustManager[] {readOnly}, null);
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      s.getInputStream().read();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {NAME, "localhost", "127.0.0.1", "::1"})
  void jdkVerifiesEverySan(String host) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", pki.ca());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    String connectTo = Addresses.isLiteral(host) ? host : "127.0.0.1";
    try (Socket plain = new Socket(connectTo, port());
        SSLSocket s =
            (SSLSocket) client.getSocketFactory().createSocket(plain, host, port(), true)) {
      SSLParameters params = s.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(params);
      s.startHandshake();
      assertThat(s.getSession().getProtocol()).startsWith("TLSv1.");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {NAME, "localhost", "127.0.0.1", "::1"})
  void curlVerifiesEverySan(String host) throws Exception {
    String url = "https://" + Addresses.urlHost(host) + ":" + port() + "/";
    List<String> cmd =
        Addresses.isLiteral(host) || host.equals("localhost")
            ? List.of("curl", "-sS", "--cacert", pki.caFile().toString(), url)
            : List.of(
                "curl",
                "-sS",
                "--cacert",
                pki.caFile().toString(),
                "--resolve",
                host + ":" + port() + ":127.0.0.1",
                url);
    assertThat(run(cmd)).isEqualTo("ok\n");
  }

  /**
   * curl (OpenSSL) offers AES-256-GCM first, as the JDK does; the server's order wins and picks
   * AES-128-GCM, as distribution does — on TLS 1.3 and on TLS 1.2.
   */
  @ParameterizedTest
  @ValueSource(strings = {"--tlsv1.3", "--tls-max"})
  void theServerPrefersAes128Gcm(String version) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("curl", "-sS", "-v", "--cacert", pki.caFile().toString()));
    cmd.addAll(version.equals("--tls-max") ? List.of("--tls-max", "1.2") : List.of(version));
    cmd.add("https://localhost:" + port() + "/");
    String out = run(cmd);
    assertThat(out)
        .containsPattern(
            version.equals("--tls-max")
                ? "SSL connection using TLSv1\\.2 / ECDHE-ECDSA-AES128-GCM-SHA256"
                : "SSL connection using TLSv1\\.3 / TLS_AES_128_GCM_SHA256");
    // the engines Undertow and Netty create get the same order as the server socket above
    javax.net.ssl.SSLParameters engine =
        pki.serverContext("registry").createSSLEngine().getSSLParameters();
    assertThat(engine.getUseCipherSuitesOrder()).isTrue();
    assertThat(List.of(engine.getCipherSuites()).indexOf("TLS_AES_128_GCM_SHA256"))
        .isLessThan(List.of(engine.getCipherSuites()).indexOf("TLS_AES_256_GCM_SHA384"));
    String[] jdk = SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
    assertThat(List.of(jdk).indexOf("TLS_AES_256_GCM_SHA384"))
        .as("the JDK's own order puts AES-256 first; the server reorders")
        .isLessThan(List.of(jdk).indexOf("TLS_AES_128_GCM_SHA256"));
  }

  @Test
  void curlRefusesANameNotInTheCertificate() throws Exception {
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--cacert",
                pki.caFile().toString(),
                "--resolve",
                "evil.example.com:" + port() + ":127.0.0.1",
                "https://evil.example.com:" + port() + "/")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isNotZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {NAME, "127.0.0.1", "::1"})
  void opensslVerifiesEverySan(String host) throws Exception {
    String check = Addresses.isLiteral(host) ? "-verify_ip" : "-verify_hostname";
    String connect = Addresses.isLiteral(host) ? Addresses.urlHost(host) : "127.0.0.1";
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-verify_return_error",
                "-CAfile",
                pki.caFile().toString(),
                check,
                host,
                "-connect",
                connect + ":" + port(),
                "-brief"));
    if (!Addresses.isLiteral(host)) {
      cmd.addAll(List.of("-servername", host)); // SNI carries names only, never IP literals
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("Verification: OK");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "127.0.0.1", "::1"})
  void pythonRequestsVerifiesEverySan(String host) throws Exception {
    String url = "https://" + Addresses.urlHost(host) + ":" + port() + "/";
    String script =
        "import sys, requests\n"
            + "r = requests.get(sys.argv[1], verify=sys.argv[2], timeout=20)\n"
            + "print(r.status_code, r.text.strip())\n";
    ProcessBuilder pb =
        new ProcessBuilder("/usr/bin/python3", "-c", script, url, pki.caFile().toString());
    pb.environment().remove("REQUESTS_CA_BUNDLE");
    pb.environment().remove("CURL_CA_BUNDLE");
    assertThat(run(pb)).isEqualTo("200 ok\n");
  }

  static String run(List<String> cmd) throws Exception {
    return run(new ProcessBuilder(cmd));
  }

  static String run(ProcessBuilder pb) throws Exception {
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
