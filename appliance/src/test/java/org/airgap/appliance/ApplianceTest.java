package org.airgap.appliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.services.ManagedService;
import org.airgap.appliance.services.ServiceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The whole appliance in one process: every service on port 0, spoken to by real clients. */
class ApplianceTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void startsEveryServiceAndStopsThemAll(@TempDir Path dir) throws Exception {
    Appliance a = new Appliance(TestSites.config(dir));
    a.start();
    List<InetSocketAddress> all;
    try {
      assertThat(a.ready()).isTrue();
      assertThat(a.services().stream().map(ManagedService::name))
          .containsExactly("admin", "dns", "websrv", "registry", "redfish");
      HttpClient http = TestSites.client(a.context().pki());
      String admin = a.service("admin").urls().get(0);

      assertThat(get(http, admin + "healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(http, admin + "readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("registry running", "redfish running");

      // registry: /v2/ asks for Basic auth over TLS, on IPv4 and IPv6, and the first user gets in
      for (InetSocketAddress r : a.service("registry").addresses()) {
        String base =
            "https://"
                + (r.getAddress().getHostAddress().contains(":") ? "[::1]" : "127.0.0.1")
                + ":"
                + r.getPort();
        HttpResponse<String> v2 = get(http, base + "/v2/");
        assertThat(v2.statusCode()).isEqualTo(401);
        assertThat(v2.headers().firstValue("WWW-Authenticate").orElse(""))
            .startsWith("Basic realm=");
      }
      String pw = Files.readString(dir.resolve("admin-password")).strip();
      int regPort = a.service("registry").addresses().get(0).getPort();
      HttpResponse<String> authed =
          http.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + regPort + "/v2/"))
                  .header("Authorization", basic("admin", pw))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(authed.statusCode()).isEqualTo(200);
      assertThat(authed.headers().firstValue("Docker-Distribution-API-Version"))
          .contains("registry/2.0");

      // websrv serves a file from <data-dir>/srv
      Files.writeString(dir.resolve("srv/images/hello.txt"), "hello");
      int webPort = a.service("websrv").addresses().get(0).getPort();
      HttpResponse<String> file = get(http, "http://127.0.0.1:" + webPort + "/images/hello.txt");
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.body()).isEqualTo("hello");

      // DNS publishes the site's own name without configuration
      InetSocketAddress dns = a.service("dns").addresses().get(0);
      SimpleResolver resolver = new SimpleResolver(dns);
      resolver.setTimeout(Duration.ofSeconds(5));
      Message answer =
          resolver.send(
              Message.newQuery(
                  Record.newRecord(Name.fromString("registry.example.com."), Type.A, DClass.IN)));
      assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(answer.getSection(Section.ANSWER))
          .extracting(r -> ((ARecord) r).getAddress())
          .containsExactly(InetAddress.getByName("192.168.126.1"));

      // redfish service root without auth, over TLS from the site CA
      int rfPort = a.service("redfish").addresses().get(0).getPort();
      HttpResponse<String> root = get(http, "https://localhost:" + rfPort + "/redfish/v1/");
      assertThat(root.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(root.body()).path("@odata.id").asText()).isEqualTo("/redfish/v1/");

      all = a.services().stream().flatMap(s -> s.addresses().stream()).toList();
    } finally {
      a.close();
    }
    assertThat(a.services()).allMatch(s -> a.state(s.name()) == ServiceState.STOPPED);
    for (InetSocketAddress addr : all) {
      try (ServerSocket again = new ServerSocket()) {
        again.bind(addr); // every TCP port is free again
      }
    }
    a.close(); // idempotent
  }

  @Test
  void metricsAndStatusCarryWhatTheyPromise(@TempDir Path dir) throws Exception {
    try (Appliance a = new Appliance(TestSites.config(dir))) {
      a.start();
      HttpClient http = TestSites.client(a.context().pki());
      String admin = a.service("admin").urls().get(0);
      // make the web server count something
      int webPort = a.service("websrv").addresses().get(0).getPort();
      get(http, "http://127.0.0.1:" + webPort + "/images/missing.iso");

      HttpResponse<String> metrics = get(http, admin + "metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      assertThat(metrics.body())
          .contains("jvm_memory_used_bytes", "process_uptime_seconds", "airgap_ready 1.0")
          .containsPattern("airgap_websrv_[a-z_]+_total")
          .containsPattern("airgap_dns_[a-z_]+_total")
          .containsPattern("(?m)^airgap_websrv_open_connections [0-9.]+$") // a gauge, not a counter
          .doesNotContain("airgap_websrv_open_connections_total");

      JsonNode status = JSON.readTree(get(http, admin + "api/status").body());
      assertThat(status.path("ready").asBoolean()).isTrue();
      assertThat(status.path("site").path("hostname").asText()).isEqualTo("registry.example.com");
      assertThat(status.path("ca").path("sha256").asText())
          .isEqualTo(a.context().pki().caFingerprint());
      JsonNode services = status.path("services");
      assertThat(services).hasSize(5);
      for (JsonNode s : services) {
        assertThat(s.path("state").asText()).as(s.toString()).isEqualTo("running");
        assertThat(s.path("addresses")).as(s.toString()).isNotEmpty();
      }
      JsonNode registry = services.get(3);
      assertThat(registry.path("name").asText()).isEqualTo("registry");
      int regPort = a.service("registry").addresses().get(0).getPort();
      assertThat(registry.path("urls").get(0).asText())
          .isEqualTo("https://registry.example.com:" + regPort + "/v2/");
      assertThat(registry.path("addresses").toString()).contains("127.0.0.1:" + regPort, "[::1]:");

      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(admin + "api/status"))
                          .POST(HttpRequest.BodyPublishers.noBody())
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(405);
    }
  }

  @Test
  void aTakenPortClosesWhatStartedAndNamesServiceAddressAndReason(@TempDir Path dir)
      throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      String yaml =
          TestSites.yaml(dir)
              .replace(
                  "registry: { listen: [\"127.0.0.1:0\", \"[::1]:0\"] }",
                  "registry: { listen: [\"127.0.0.1:" + port + "\"] }");
      AirgapConfig cfg = ConfigLoader.parse(yaml, "test.yaml");
      Appliance a = new Appliance(cfg);
      assertThatThrownBy(a::start)
          .isInstanceOf(StartupException.class)
          .hasMessageStartingWith("registry: ")
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("in use");
      assertThat(a.state("registry")).isEqualTo(ServiceState.FAILED);
      for (String s : List.of("admin", "dns", "websrv")) {
        assertThat(a.state(s)).as(s).isEqualTo(ServiceState.STOPPED);
        for (InetSocketAddress addr : a.service(s).addresses()) {
          try (ServerSocket again = new ServerSocket()) {
            again.bind(addr);
          }
        }
      }
      assertThat(a.state("redfish")).isEqualTo(ServiceState.NEW);
      // and the data dir is free for the next attempt
      try (Appliance b = new Appliance(TestSites.config(dir))) {
        b.start();
        assertThat(b.ready()).isTrue();
      }
    }
  }

  @Test
  void aSecondApplianceOnTheSameDataDirIsRefused(@TempDir Path dir) {
    try (Appliance a = new Appliance(TestSites.config(dir))) {
      a.start();
      Appliance b = new Appliance(TestSites.config(dir));
      assertThatThrownBy(b::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("is in use by another airgap daemon");
      assertThat(a.ready()).isTrue();
    }
  }

  @Test
  void firstUserIsCreatedOnceWithAPrivatePasswordFile(@TempDir Path dir) throws Exception {
    String first;
    try (Appliance a = new Appliance(TestSites.config(dir))) {
      a.start();
      first = a.generatedPassword().orElseThrow();
    }
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("admin-password"))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve("admin-password")).strip()).isEqualTo(first);
    try (Appliance a = new Appliance(TestSites.config(dir))) {
      a.start();
      assertThat(a.generatedPassword()).isEmpty();
      assertThat(a.context().users().check("admin", first)).isTrue();
    }
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String basic(String user, String pw) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8));
  }
}
