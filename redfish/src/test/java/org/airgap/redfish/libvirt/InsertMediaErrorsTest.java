package org.airgap.redfish.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.airgap.redfish.RedfishConfig;
import org.airgap.redfish.RedfishServer;
import org.airgap.redfish.driver.Feature;
import org.airgap.websrv.download.DownloadOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;

/**
 * InsertMedia with an image that cannot be fetched answers a Redfish error that says why (a 400
 * naming the URL and the reason), not a bare 500: a missing file, an image server that wants
 * credentials, and one that is not there. The libvirt driver on {@code test:///default} fetches the
 * image before it touches the drive, which is all these cases reach.
 */
class InsertMediaErrorsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path cache;
  static Connect keep;
  static HttpServer images;
  static RedfishServer server;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    EventLoop.ensureRunning();
    keep = new Connect("test:///default", false);
    keep.domainDefineXML(
            "<domain type='test'><name>media-0</name><memory>65536</memory><os><type"
                + " arch='x86_64' machine='q35'>hvm</type></os><devices><disk type='file'"
                + " device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk></devices>"
                + "</domain>")
        .free();
    images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    images.createContext(
        "/secret.iso",
        ex -> {
          ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"images\"");
          ex.sendResponseHeaders(401, -1);
          ex.close();
        });
    images.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(404, -1);
          ex.close();
        });
    images.start();
    LibvirtConfig lc =
        LibvirtConfig.of("test:///default", cache, List.of())
            .withFeatures(EnumSet.of(Feature.VIRTUAL_MEDIA))
            .withDownload(
                DownloadOptions.defaults()
                    .withAttempts(2, Duration.ofMillis(10), Duration.ofMillis(10)));
    RedfishConfig config =
        new RedfishConfig(
            List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
            Optional.empty(),
            "libvirt",
            List.of(),
            Duration.ofMinutes(5),
            Duration.ofMillis(100));
    server =
        new RedfishServer(
            config,
            (u, p) -> u.equals("admin") && p.equals("pw"),
            () -> LibvirtDriver.open(lc),
            Clock.systemUTC());
    server.start();
    base = "http://127.0.0.1:" + server.addresses().get(0).getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (images != null) {
      images.stop(0);
    }
    if (keep != null) {
      keep.close();
    }
  }

  static HttpResponse<String> insert(String image) throws Exception {
    String auth = java.util.Base64.getEncoder().encodeToString("admin:pw".getBytes("UTF-8"));
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/redfish/v1/Managers/media-0/VirtualMedia/Cd/Actions/"
                            + "VirtualMedia.InsertMedia"))
                .header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"Image\":\"" + image + "\",\"Inserted\":true}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode info(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).path("error").path("@Message.ExtendedInfo").path(0);
  }

  @Test
  void eachFetchFailureIsA400ThatSaysWhy() throws Exception {
    String origin = "http://127.0.0.1:" + images.getAddress().getPort();
    HttpResponse<String> missing = insert(origin + "/missing.iso");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(info(missing).path("MessageId").asText()).endsWith("ActionParameterValueError");
    assertThat(info(missing).path("Message").asText()).contains("/missing.iso", "404");

    HttpResponse<String> secret = insert(origin + "/secret.iso");
    assertThat(secret.statusCode()).isEqualTo(400);
    assertThat(info(secret).path("MessageId").asText()).endsWith("ResourceAtUriUnauthorized");
    assertThat(info(secret).path("Message").asText()).contains("/secret.iso", "401");

    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    HttpResponse<String> gone = insert("http://127.0.0.1:" + closed + "/x.iso");
    assertThat(gone.statusCode()).isEqualTo(400);
    assertThat(info(gone).path("MessageId").asText()).endsWith("CouldNotEstablishConnection");
    assertThat(info(gone).path("Message").asText()).contains(":" + closed + "/x.iso");

    // nothing was inserted by any of them
    HttpResponse<String> cd =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(base + "/redfish/v1/Managers/media-0/VirtualMedia/Cd"))
                    .header(
                        "Authorization",
                        "Basic "
                            + java.util.Base64.getEncoder()
                                .encodeToString("admin:pw".getBytes("UTF-8")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(cd.body()).path("Inserted").asBoolean()).isFalse();
  }
}
