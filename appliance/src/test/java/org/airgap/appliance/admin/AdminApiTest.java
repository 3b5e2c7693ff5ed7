package org.airgap.appliance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.airgap.websrv.download.Checksum;
import org.airgap.websrv.images.CatalogEntry;
import org.airgap.websrv.images.ImageCatalog;
import org.airgap.websrv.images.ImageKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON API of the admin listener against the real appliance on port 0: each endpoint's answer
 * validates against its shipped schema and shows what the services hold (an image pushed with the
 * OCI API, an RHCOS file in the catalog, a mirror progress file, the memory driver's machines), and
 * a power action through the API changes the machine as Redfish reports it.
 */
class AdminApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Appliance appliance;
  static HttpClient http;
  static String admin;
  static String password;

  @BeforeAll
  static void start() throws Exception {
    appliance = new Appliance(TestSites.config(dir));
    appliance.start();
    http = TestSites.client(appliance.context().pki());
    admin = appliance.service("admin").urls().get(0);
    password = Files.readString(dir.resolve("admin-password")).strip();
  }

  @AfterAll
  static void stop() {
    if (appliance != null) {
      appliance.close();
    }
  }

  static Schema schema(String name) throws Exception {
    try (InputStream in = AdminServer.class.getResourceAsStream("/schemas/api/" + name + ".json")) {
      assertThat(in).as(name + ".json is shipped").isNotNull();
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
          .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static JsonNode getValid(String endpoint) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(admin + "api/" + endpoint)));
    assertThat(r.statusCode()).as(endpoint).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Security-Policy")).contains(AdminServer.CSP);
    JsonNode body = JSON.readTree(r.body());
    List<Error> errors = schema(endpoint).validate(body);
    assertThat(errors).as(endpoint + " against its schema: " + body).isEmpty();
    return body;
  }

  static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"status", "registry", "images", "dns", "dhcp", "bmc", "cluster"})
  void everyEndpointMatchesItsSchema(String endpoint) throws Exception {
    getValid(endpoint);
  }

  @Test
  void statusKeepsTheFoundationFieldsAndAddsCertificatesAndDisk() throws Exception {
    JsonNode s = getValid("status");
    assertThat(s.path("ready").asBoolean()).isTrue();
    assertThat(s.path("site").path("hostname").asText()).isEqualTo("registry.example.com");
    assertThat(s.path("ca").path("sha256").asText())
        .isEqualTo(appliance.context().pki().caFingerprint());
    assertThat(s.findValuesAsText("name"))
        .contains("admin", "dns", "websrv", "registry", "redfish");
    assertThat(s.path("certificates").findValuesAsText("name")).contains("ca", "registry");
    assertThat(s.path("disk").path("totalBytes").asLong()).isPositive();
    assertThat(s.path("warnings")).isEmpty();
  }

  @Test
  void registryShowsAPushedImageAndTheMirrorProgress() throws Exception {
    String registry =
        "https://127.0.0.1:" + appliance.service("registry").addresses().get(0).getPort();
    byte[] layer = "a layer of the console test".getBytes(StandardCharsets.UTF_8);
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    pushBlob(registry, "console/test", layer);
    pushBlob(registry, "console/test", config);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + digest(config)
            + "\",\"size\":"
            + config.length
            + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
            + digest(layer)
            + "\",\"size\":"
            + layer.length
            + "}]}";
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(URI.create(registry + "/v2/console/test/manifests/v1"))
                .header("Authorization", basic())
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)));
    assertThat(put.statusCode()).isEqualTo(201);
    Path mirror = dir.resolve("state/mirror");
    Files.createDirectories(mirror);
    Files.writeString(
        mirror.resolve("current.json"),
        "{\"state\":\"running\",\"images\":12,\"imagesDone\":5,\"bytes\":1048576,\"failures\":0}");
    Files.writeString(mirror.resolve("broken.json"), "{not json");

    JsonNode r = getValid("registry");
    JsonNode repo = r.path("repositories").get(0);
    assertThat(repo.path("name").asText()).isEqualTo("console/test");
    JsonNode tag = repo.path("tags").get(0);
    assertThat(tag.path("tag").asText()).isEqualTo("v1");
    assertThat(tag.path("digest").asText())
        .isEqualTo(digest(manifest.getBytes(StandardCharsets.UTF_8)));
    assertThat(tag.path("size").asLong())
        .isEqualTo(manifest.length() + layer.length + config.length);
    assertThat(tag.path("pushed").asText()).isNotEmpty();
    assertThat(r.path("hostPort").asText()).startsWith("registry.example.com:");
    assertThat(r.path("mirror").findValuesAsText("file")).contains("current.json", "broken.json");
    for (JsonNode run : r.path("mirror")) {
      if (run.path("file").asText().equals("current.json")) {
        assertThat(run.path("data").path("imagesDone").asInt()).isEqualTo(5);
      } else {
        assertThat(run.path("error").asText()).startsWith("cannot read");
      }
    }
  }

  @Test
  void imagesShowTheCatalogWithChecksumsAndUnrecordedFiles() throws Exception {
    Path images = dir.resolve("srv/images");
    byte[] iso = "not really an ISO".getBytes(StandardCharsets.UTF_8);
    Files.write(images.resolve("rhcos-live.x86_64.iso"), iso);
    Files.writeString(images.resolve("notes.txt"), "hello");
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(iso));
    new ImageCatalog(images)
        .put(
            new CatalogEntry(
                "rhcos-live.x86_64.iso",
                ImageKind.ISO,
                Optional.of("x86_64"),
                Optional.of("9.6.20250101-0"),
                Optional.of("4.19"),
                Optional.of(Checksum.sha256(hex)),
                iso.length,
                "https://mirror.example/rhcos-live.x86_64.iso"));
    JsonNode im = getValid("images");
    JsonNode first = im.path("images").get(0);
    assertThat(first.path("file").asText()).isEqualTo("rhcos-live.x86_64.iso");
    assertThat(first.path("sha256").asText()).isEqualTo(hex);
    assertThat(first.path("verified").asBoolean()).isTrue();
    assertThat(first.path("url").asText()).endsWith("/images/rhcos-live.x86_64.iso");
    assertThat(im.path("images").get(1).path("kind").asText()).isEqualTo("unrecorded");
  }

  @Test
  void dnsShowsTheSiteRecordsAndDhcpIsOff() throws Exception {
    JsonNode d = getValid("dns");
    assertThat(d.path("zones").toString()).contains("example.com");
    assertThat(d.path("records").toString())
        .contains("registry.example.com", "192.168.126.1", "2620:52:0:1306::1");
    JsonNode h = getValid("dhcp");
    assertThat(h.path("enabled").asBoolean()).isFalse();
    assertThat(h.path("state").asText()).isEqualTo("off");
  }

  @Test
  void powerThroughTheApiIsWhatRedfishReports() throws Exception {
    JsonNode b = getValid("bmc");
    assertThat(b.path("machines").findValuesAsText("name")).contains("vm-0", "vm-1", "vm-2");
    String before = power(b, "vm-1");

    String csrf = login();
    String target = before.equals("On") ? "ForceOff" : "On";
    HttpResponse<String> r =
        send(
            json(admin + "api/bmc/vm-1/power", "{\"reset\":\"" + target + "\"}")
                .header("Cookie", cookie)
                .header(AdminServer.CSRF_HEADER, csrf));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(schema("bmc").validate(JSON.readTree(r.body()))).isEmpty();
    String expected = target.equals("On") ? "On" : "Off";
    // the memory driver may pass through PoweringOn/Off: wait for the end state, like Ironic does
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!power(getValid("bmc"), "vm-1").equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(power(getValid("bmc"), "vm-1")).isEqualTo(expected);
    assertThat(redfishPower("vm-1")).isEqualTo(expected);

    HttpResponse<String> bad =
        send(
            json(admin + "api/bmc/vm-1/power", "{\"reset\":\"Explode\"}")
                .header("Cookie", cookie)
                .header(AdminServer.CSRF_HEADER, csrf));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(schema("error").validate(JSON.readTree(bad.body()))).isEmpty();
    HttpResponse<String> none =
        send(
            json(admin + "api/bmc/vm-9/eject", "{}")
                .header("Cookie", cookie)
                .header(AdminServer.CSRF_HEADER, csrf));
    assertThat(none.statusCode()).isEqualTo(404);
  }

  static String cookie;

  /** Logs in as the first user; returns the CSRF token and keeps the session cookie. */
  static String login() throws Exception {
    HttpResponse<String> r =
        send(json(admin + "api/login", "{\"user\":\"admin\",\"password\":\"" + password + "\"}"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode s = JSON.readTree(r.body());
    assertThat(schema("session").validate(s)).isEmpty();
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    cookie = setCookie.substring(0, setCookie.indexOf(';'));
    return s.path("csrf").asText();
  }

  static HttpRequest.Builder json(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  static String power(JsonNode bmc, String machine) {
    for (JsonNode m : bmc.path("machines")) {
      if (m.path("name").asText().equals(machine)) {
        return m.path("power").asText();
      }
    }
    throw new AssertionError("no machine " + machine + " in " + bmc);
  }

  static String redfishPower(String machine) throws Exception {
    String redfish = appliance.service("redfish").urls().get(0);
    String url =
        "https://127.0.0.1:"
            + appliance.service("redfish").addresses().get(0).getPort()
            + "/redfish/v1/Systems/"
            + machine;
    assertThat(redfish).endsWith("/redfish/v1/");
    HttpResponse<String> r =
        send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("PowerState").asText();
  }

  static String basic() {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
  }

  static String digest(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static void pushBlob(String registry, String repo, byte[] blob) throws Exception {
    HttpResponse<String> start =
        send(
            HttpRequest.newBuilder(URI.create(registry + "/v2/" + repo + "/blobs/uploads/"))
                .header("Authorization", basic())
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(start.statusCode()).isEqualTo(202);
    String location = start.headers().firstValue("Location").orElseThrow();
    URI upload = URI.create(registry).resolve(location);
    String sep = upload.getQuery() == null ? "?" : "&";
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(URI.create(upload + sep + "digest=" + digest(blob)))
                .header("Authorization", basic())
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
    assertThat(put.statusCode()).isEqualTo(201);
  }
}
