package org.airgap.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MachineDriver;
import org.airgap.redfish.driver.MemoryDriver;

/**
 * A real server on 127.0.0.1 port 0 with the memory backend and one user ({@code admin} / {@code
 * secret}), and a JDK HttpClient that checks every JSON response against the DMTF schemas and every
 * response for {@code OData-Version}.
 */
final class Harness implements AutoCloseable {
  static final String USER = "admin";
  static final String PASSWORD = "secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  final RedfishServer server;
  final AtomicInteger authCalls = new AtomicInteger();
  final HttpClient http = HttpClient.newHttpClient();
  final String base;
  Optional<String> auth = Optional.of(basic(USER, PASSWORD));

  /** One response, already schema-checked. */
  record Response(int status, Map<String, List<String>> headers, JsonNode body) {
    Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst();
    }

    String messageId() {
      return body.path("error").path("@Message.ExtendedInfo").path(0).path("MessageId").asText();
    }
  }

  Harness() {
    this(Machine.defaults(), Duration.ofMillis(100), Clock.systemUTC(), Duration.ofMinutes(30));
  }

  Harness(List<Machine> machines, Duration powerDelay, Clock clock, Duration sessionTimeout) {
    this(
        machines,
        () -> new MemoryDriver(machines, powerDelay, Clock.systemUTC()),
        clock,
        sessionTimeout);
  }

  Harness(
      List<Machine> machines,
      Supplier<MachineDriver> driver,
      Clock clock,
      Duration sessionTimeout) {
    RedfishConfig config =
        new RedfishConfig(
            List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
            Optional.empty(),
            "memory",
            machines,
            sessionTimeout,
            Duration.ofMillis(100));
    server =
        new RedfishServer(
            config,
            (u, p) -> {
              authCalls.incrementAndGet();
              return u.equals(USER) && p.equals(PASSWORD);
            },
            driver,
            clock);
    server.start();
    base = "http://127.0.0.1:" + server.addresses().get(0).getPort();
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Response get(String path) {
    return send("GET", path, Optional.empty(), Map.of());
  }

  Response patch(String path, String body, Map<String, String> headers) {
    return send("PATCH", path, Optional.of(body), headers);
  }

  Response post(String path, String body) {
    return send("POST", path, Optional.of(body), Map.of());
  }

  Response send(String method, String path, Optional<String> body, Map<String, String> headers) {
    Map<String, String> h = new LinkedHashMap<>();
    auth.ifPresent(a -> h.put("Authorization", a));
    h.putAll(headers);
    return raw(method, path, body, h);
  }

  /** Sends exactly these headers (no default authorization). */
  Response raw(String method, String path, Optional<String> body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body.map(HttpRequest.BodyPublishers::ofString)
                    .orElse(HttpRequest.BodyPublishers.noBody()));
    if (body.isPresent()) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.headers().firstValue("OData-Version")).as(method + " " + path).hasValue("4.0");
      JsonNode json = r.body().isEmpty() ? JSON.missingNode() : JSON.readTree(r.body());
      if (!json.isMissingNode() && !path.equals("/redfish")) {
        assertThat(RedfishSchemas.errors(json))
            .as("schema errors of %s %s -> %s: %s", method, path, r.statusCode(), json)
            .isEmpty();
      }
      return new Response(r.statusCode(), r.headers().map(), json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls the system until its PowerState is {@code want}. */
  void awaitPower(String system, String want) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!get("/redfish/v1/Systems/" + system).body().path("PowerState").asText().equals(want)) {
      assertThat(System.nanoTime()).as("%s reaches %s", system, want).isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
