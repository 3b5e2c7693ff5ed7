package org.airgap.appliance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.ConfigLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The admin listener's defences, spoken to over real sockets: the Host check (DNS rebinding), the
 * Content-Security-Policy on every answer, POST-only actions that need a login and a CSRF token,
 * the cookie's attributes, and a listener off loopback that is TLS and needs a login to read.
 */
class AdminSecurityTest {

  /** A raw HTTP/1.1 request, so the Host header is exactly what a rebinding page would send. */
  static String raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @ParameterizedTest(name = "Host: {0} -> {1}")
  @CsvSource({
    "127.0.0.1, 200",
    "localhost, 200",
    "'[::1]', 200",
    "registry.example.com, 200",
    "192.168.126.1, 200",
    "evil.example.net, 421",
    "127.0.0.1.nip.io, 421",
    "localhost.evil.example.net, 421",
  })
  void hostCheck(String host, int status) throws Exception {
    int port = shared.service("admin").addresses().get(0).getPort();
    String answer =
        raw(
            port,
            "GET /api/status HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 " + status);
    assertThat(answer).contains("Content-Security-Policy: " + AdminServer.CSP);
  }

  @TempDir static Path sharedDir;
  static Appliance shared;

  @BeforeAll
  static void start() {
    shared = new Appliance(TestSites.config(sharedDir));
    shared.start();
  }

  @AfterAll
  static void stop() {
    if (shared != null) {
      shared.close();
    }
  }

  @Test
  void actionsNeedPostJsonSessionAndCsrf() throws Exception {
    Path dir = sharedDir;
    Appliance a = shared;
    {
      HttpClient http = TestSites.client(a.context().pki());
      String admin = a.service("admin").urls().get(0);
      String pw = Files.readString(dir.resolve("admin-password")).strip();
      String action = admin + "api/bmc/vm-0/power";
      String body = "{\"reset\":\"On\"}";

      // GET on an action, and a page that is not there
      assertThat(status(http, HttpRequest.newBuilder(URI.create(action)))).isEqualTo(405);
      assertThat(status(http, HttpRequest.newBuilder(URI.create(admin + "nope")))).isEqualTo(404);
      // reading on loopback needs no login; the page and its assets are served with the CSP
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(admin)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<title>airgap console</title>").doesNotContain("style=");
      assertThat(page.headers().firstValue("Content-Security-Policy")).contains(AdminServer.CSP);
      // no session: 401; a form post (what a cross-site page can send): 415
      assertThat(status(http, AdminApiTest.json(action, body))).isEqualTo(401);
      assertThat(
              status(
                  http,
                  HttpRequest.newBuilder(URI.create(action))
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .POST(HttpRequest.BodyPublishers.ofString("reset=On"))))
          .isEqualTo(415);
      // a wrong password gets no cookie
      HttpResponse<String> wrong =
          http.send(
              AdminApiTest.json(admin + "api/login", "{\"user\":\"admin\",\"password\":\"x\"}")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

      HttpResponse<String> login =
          http.send(
              AdminApiTest.json(
                      admin + "api/login", "{\"user\":\"admin\",\"password\":\"" + pw + "\"}")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie)
          .startsWith(AdminServer.COOKIE + "=")
          .contains("HttpOnly", "SameSite=Strict", "Path=/")
          .doesNotContain("Secure"); // plain HTTP on loopback
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      String csrf = AdminApiTest.JSON.readTree(login.body()).path("csrf").asText();

      // a session without the token, with a wrong one, or from another origin: 403
      assertThat(status(http, AdminApiTest.json(action, body).header("Cookie", cookie)))
          .isEqualTo(403);
      assertThat(
              status(
                  http,
                  AdminApiTest.json(action, body)
                      .header("Cookie", cookie)
                      .header(AdminServer.CSRF_HEADER, csrf + "x")))
          .isEqualTo(403);
      assertThat(
              status(
                  http,
                  AdminApiTest.json(action, body)
                      .header("Cookie", cookie)
                      .header(AdminServer.CSRF_HEADER, csrf)
                      .header("Origin", "http://evil.example.net")))
          .isEqualTo(403);
      // the token alone without the session cookie: 401
      assertThat(
              status(http, AdminApiTest.json(action, body).header(AdminServer.CSRF_HEADER, csrf)))
          .isEqualTo(401);
      // session + token (+ our own origin): done
      assertThat(
              status(
                  http,
                  AdminApiTest.json(action, body)
                      .header("Cookie", cookie)
                      .header(AdminServer.CSRF_HEADER, csrf)
                      .header("Origin", admin.substring(0, admin.length() - 1))))
          .isEqualTo(200);
      // after logout the session is gone
      assertThat(
              status(
                  http,
                  AdminApiTest.json(admin + "api/logout", "{}")
                      .header("Cookie", cookie)
                      .header(AdminServer.CSRF_HEADER, csrf)))
          .isEqualTo(200);
      assertThat(
              status(
                  http,
                  AdminApiTest.json(action, body)
                      .header("Cookie", cookie)
                      .header(AdminServer.CSRF_HEADER, csrf)))
          .isEqualTo(401);
    }
  }

  @Test
  void offLoopbackTheListenerIsTlsAndReadingNeedsALogin(@TempDir Path dir) throws Exception {
    String yaml =
        TestSites.yaml(dir)
            .replace("admin: { listen: [\"127.0.0.1:0\"] }", "admin: { listen: [\"0.0.0.0:0\"] }");
    try (Appliance a = new Appliance(ConfigLoader.parse(yaml, "test.yaml"))) {
      a.start();
      assertThat(a.config().admin().tls()).isTrue();
      HttpClient http = TestSites.client(a.context().pki());
      int port = a.service("admin").addresses().get(0).getPort();
      assertThat(a.service("admin").urls().get(0)).startsWith("https://");
      String admin = "https://localhost:" + port + "/";
      String pw = Files.readString(dir.resolve("admin-password")).strip();

      assertThat(status(http, HttpRequest.newBuilder(URI.create(admin + "healthz"))))
          .isEqualTo(200);
      assertThat(status(http, HttpRequest.newBuilder(URI.create(admin + "readyz")))).isEqualTo(200);
      HttpResponse<String> locked =
          http.send(
              HttpRequest.newBuilder(URI.create(admin + "api/status")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(locked.statusCode()).isEqualTo(401);
      assertThat(locked.headers().firstValue("WWW-Authenticate"))
          .contains("Basic realm=\"airgap admin\"");
      assertThat(status(http, HttpRequest.newBuilder(URI.create(admin + "metrics"))))
          .isEqualTo(401);
      // scripts and Prometheus use Basic credentials of the htpasswd users
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("admin:" + pw).getBytes(StandardCharsets.UTF_8));
      assertThat(
              status(
                  http,
                  HttpRequest.newBuilder(URI.create(admin + "metrics"))
                      .header("Authorization", basic)))
          .isEqualTo(200);
      // the browser logs in: the cookie is Secure under TLS and opens the API
      HttpResponse<String> login =
          http.send(
              AdminApiTest.json(
                      admin + "api/login", "{\"user\":\"admin\",\"password\":\"" + pw + "\"}")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).contains("Secure", "HttpOnly", "SameSite=Strict");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      assertThat(
              status(
                  http,
                  HttpRequest.newBuilder(URI.create(admin + "api/bmc")).header("Cookie", cookie)))
          .isEqualTo(200);
    }
  }

  static int status(HttpClient http, HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
