package org.airgap.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ListenAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code airgap status}: where the site stands, from the running daemon's {@code /api/status} — the
 * same API the web console and scripts read.
 */
@Command(name = "status", description = "Show the running daemon's services (from /api/status).")
public final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--json", description = "Print the API's JSON as it is.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    AirgapConfig cfg = config.load();
    ListenAddress admin = cfg.admin().listen().get(0);
    String host = admin.isWildcard() ? "127.0.0.1" : Addresses.urlHost(admin.host());
    String url = "http://" + host + ":" + admin.port() + "/api/status";
    HttpResponse<String> r;
    try {
      r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      System.err.println("airgap: no daemon answers at " + url + " (is airgap serve running?)");
      return 1;
    }
    if (r.statusCode() != 200) {
      System.err.println("airgap: " + url + " answered " + r.statusCode());
      return 1;
    }
    if (json) {
      System.out.println(r.body());
      return 0;
    }
    JsonNode s = new ObjectMapper().readTree(r.body());
    System.out.printf(
        "airgap %s, up %d s, %s%n",
        s.path("version").asText(),
        s.path("uptimeSeconds").asLong(),
        s.path("ready").asBoolean() ? "ready" : "NOT READY");
    System.out.printf("%-9s %-9s %-28s %s%n", "SERVICE", "STATE", "LISTENING", "URL");
    for (JsonNode svc : s.path("services")) {
      System.out.printf(
          "%-9s %-9s %-28s %s%n",
          svc.path("name").asText(),
          svc.path("state").asText(),
          String.join(" ", iter(svc.path("addresses"))),
          String.join(" ", iter(svc.path("urls"))));
    }
    System.out.println("CA sha256 " + s.path("ca").path("sha256").asText());
    return s.path("ready").asBoolean() ? 0 : 1;
  }

  private static java.util.List<String> iter(JsonNode array) {
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
