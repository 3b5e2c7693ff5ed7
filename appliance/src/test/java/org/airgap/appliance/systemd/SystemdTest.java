package org.airgap.appliance.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import org.airgap.appliance.DaemonProcessTestAccess;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.pki.Pki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The daemon under a systemd-like parent: sd_notify, SIGHUP reloads, certificate rotation. */
class SystemdTest {
  EventLoopGroup group;
  BlockingQueue<String> notices = new LinkedBlockingQueue<>();

  @BeforeEach
  void group() {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterEach
  void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Plays systemd's side of NOTIFY_SOCKET: every datagram lands in {@link #notices}. */
  Channel listen(String kernelAddress) throws Exception {
    return new Bootstrap()
        .group(group)
        .channel(EpollDomainDatagramChannel.class)
        .handler(
            new SimpleChannelInboundHandler<DomainDatagramPacket>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                notices.add(p.content().toString(StandardCharsets.UTF_8));
              }
            })
        .bind(new DomainSocketAddress(kernelAddress))
        .sync()
        .channel();
  }

  /** The daemon under test, whose stderr a missed notification prints. */
  Process daemon;

  java.util.concurrent.CompletableFuture<String> daemonErr;

  String next() throws Exception {
    String n = notices.poll(180, TimeUnit.SECONDS); // a loaded 2-core machine
    if (n == null && daemon != null) {
      daemon.destroyForcibly();
      String err = daemonErr.get(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "no notification within 180 s; the daemon "
              + (daemon.waitFor(10, TimeUnit.SECONDS) ? "exited " + daemon.exitValue() : "hung")
              + ", its stderr:\n"
              + err);
    }
    assertThat(n).as("a notification within 180 s").isNotNull();
    return n;
  }

  @org.junit.jupiter.api.Test
  void socketAddressesAreWhatTheKernelExpects() {
    byte[] path = SdNotify.sockaddr("/run/n.sock");
    assertThat(path).hasSize(2 + 11 + 1).startsWith(1, 0, '/', 'r');
    assertThat(path[path.length - 1]).isZero();
    byte[] abs = SdNotify.sockaddr("@sd-x");
    assertThat(abs).containsExactly(1, 0, 0, 's', 'd', '-', 'x');
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SdNotify.sockaddr("/" + "x".repeat(120)))
        .hasMessageContaining("longer than 108 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"path", "abstract"})
  void notifiesReadyReloadingAndStopping(String kind, @TempDir Path dir) throws Exception {
    String env;
    String kernel;
    if (kind.equals("path")) {
      env = dir.resolve("notify.sock").toString();
      kernel = env;
    } else {
      String name = "airgap-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
      env = "@" + name;
      kernel = "\0" + name;
    }
    Channel ch = listen(kernel);
    Path cfg = dir.resolve("airgap.yaml");
    Files.writeString(cfg, TestSites.yaml(dir.resolve("var")));
    var d = DaemonProcessTestAccess.launch(cfg, Map.of("NOTIFY_SOCKET", env));
    daemon = d.process();
    daemonErr = d.err();
    try {
      String ready = next();
      assertThat(ready).startsWith("READY=1\n").contains("MAINPID=" + d.process().pid());
      kill("-HUP", d.process().pid());
      assertThat(next()).startsWith("RELOADING=1");
      assertThat(next()).startsWith("READY=1");
      d.process().destroy();
      assertThat(next()).isEqualTo("STOPPING=1");
      assertThat(d.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      d.process().destroyForcibly();
      ch.close();
    }
  }

  @Test
  void reloadKeepsServingThroughABadConfigAndRotatesCertificates(@TempDir Path dir)
      throws Exception {
    // a user-supplied registry certificate from a CA of the user's own
    Pki own = new Pki(dir.resolve("own-pki"), "own.example").init();
    own.ensure("registry", Pki.Sans.of(List.of("registry.example.com"), List.of()));
    Path crt = dir.resolve("registry.crt");
    Path key = dir.resolve("registry.key");
    Files.copy(own.certFile("registry"), crt);
    Files.copy(own.keyFile("registry"), key);
    Path cfg = dir.resolve("airgap.yaml");
    String good =
        TestSites.yaml(dir.resolve("var"))
            + "certificates:\n  registry: { cert: "
            + crt
            + ", key: "
            + key
            + " }\n";
    Files.writeString(cfg, good);

    Path notify = dir.resolve("notify.sock");
    Channel ch = listen(notify.toString());
    var d = DaemonProcessTestAccess.launch(cfg, Map.of("NOTIFY_SOCKET", notify.toString()));
    daemon = d.process();
    daemonErr = d.err();
    try {
      assertThat(next()).startsWith("READY=1");
      String admin = DaemonProcessTestAccess.awaitReady(d);
      int port = registryPort(admin);
      BigInteger first = servedSerial(port);
      assertThat(first).isEqualTo(Pki.readCertificates(crt).get(0).getSerialNumber());

      // a broken config on SIGHUP: rejected, logged, the old one keeps serving
      Files.writeString(cfg, good + "registry-typo: {}\n");
      kill("-HUP", d.process().pid());
      assertThat(next()).startsWith("RELOADING=1");
      assertThat(next()).startsWith("READY=1");
      assertThat(status(admin + "readyz")).isEqualTo(200);
      assertThat(servedSerial(port)).isEqualTo(first);

      // a new user in htpasswd logs in without a restart
      org.airgap.registry.auth.Htpasswd.put(dir.resolve("var/htpasswd"), "carol", "c4rol-pass");
      assertThat(v2(port, "carol", "c4rol-pass")).isEqualTo(200);

      // the certificate files are replaced: after SIGHUP new connections get the new one
      own.ensure(
          "registry", Pki.Sans.of(List.of("registry.example.com", "r2.example.com"), List.of()));
      Files.copy(own.certFile("registry"), crt, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(own.keyFile("registry"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(cfg, good);
      kill("-HUP", d.process().pid());
      assertThat(next()).startsWith("RELOADING=1");
      assertThat(next()).startsWith("READY=1");
      BigInteger second = servedSerial(port);
      assertThat(second).isNotEqualTo(first);
      assertThat(second).isEqualTo(Pki.readCertificates(crt).get(0).getSerialNumber());
      assertThat(d.process().isAlive()).isTrue();
    } finally {
      d.process().destroy();
      d.process().waitFor(10, TimeUnit.SECONDS);
      d.process().destroyForcibly();
      ch.close();
    }
    assertThat(d.err().get(10, TimeUnit.SECONDS))
        .contains("reload rejected, the running config stays")
        .contains("registry-typo: unknown key");
  }

  static int registryPort(String admin) throws Exception {
    String json =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(admin + "api/status")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (var s :
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("services")) {
      if (s.path("name").asText().equals("registry")) {
        String a = s.path("addresses").get(0).asText();
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
      }
    }
    throw new AssertionError("no registry in " + json);
  }

  static int status(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static int v2(int port, String user, String pw) throws Exception {
    SSLContext ctx = trustAll();
    return HttpClient.newBuilder()
        .sslContext(ctx)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v2/"))
                .header(
                    "Authorization",
                    "Basic "
                        + java.util.Base64.getEncoder()
                            .encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static SSLContext trustAll() throws Exception {
    X509TrustManager any =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] c, String a) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {any}, null);
    return ctx;
  }

  static BigInteger servedSerial(int port) throws Exception {
    try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  static void kill(String signal, long pid) throws Exception {
    Process k = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
    assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).isZero();
  }
}
