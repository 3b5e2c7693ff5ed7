package org.airgap.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MemoryDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's python3-sushy (the library Ironic uses) drives the facade over HTTPS exactly as Ironic's
 * redfish-virtual-media boot interface does; then Debian's redfishtool makes a few calls. CI
 * installs both (.ci/packages/redfish.txt); a missing tool fails the test.
 */
class SushyIntegrationTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void ironicVirtualMediaBootAndRedfishtool(@TempDir Path dir) throws Exception {
    List<Machine> machines = Machine.defaults();
    AtomicInteger bcrypts = new AtomicInteger();
    RedfishConfig config =
        new RedfishConfig(
            List.of(new InetSocketAddress(InetAddress.getByName("::1"), 0)),
            Optional.of(SelfSigned.context(dir)),
            "memory",
            machines,
            Duration.ofMinutes(30),
            Duration.ofMillis(300));
    try (RedfishServer server =
        new RedfishServer(
            config,
            (u, p) -> {
              bcrypts.incrementAndGet();
              return u.equals("admin") && p.equals("s3cret");
            },
            () -> new MemoryDriver(machines, Duration.ofMillis(300), Clock.systemUTC()),
            Clock.systemUTC())) {
      server.start();
      String base = "https://[::1]:" + server.addresses().get(0).getPort();
      Path script = dir.resolve("ironic_vmedia_boot.py");
      try (InputStream in = getClass().getResourceAsStream("/sushy/ironic_vmedia_boot.py")) {
        Files.copy(in, script);
      }
      String image = "http://192.0.2.10:8080/images/discovery.iso";
      Result r =
          run(
              Map.of(),
              List.of(
                  "/usr/bin/python3",
                  "-W",
                  "ignore::Warning",
                  script.toString(),
                  base,
                  "admin",
                  "s3cret",
                  "/redfish/v1/Systems/local/vm-1",
                  image));
      assertThat(r.exit()).as(r.output()).isZero();
      String last = r.output().strip().lines().findFirst().orElse("");
      JsonNode seen = JSON.readTree(last);
      assertThat(seen.path("auth").asText()).isEqualTo("SessionOrBasicAuth");
      assertThat(seen.path("system_id").asText()).isEqualTo("vm-1");
      assertThat(seen.path("uuid").asText()).isEqualTo(machines.get(1).uuid().toString());
      assertThat(seen.path("managers").get(0).asText()).isEqualTo("vm-1");
      assertThat(seen.path("inserted").asBoolean()).isTrue();
      assertThat(seen.path("image").asText()).isEqualTo(image);
      assertThat(seen.path("boot_before").toString())
          .contains("BootSource.CD", "Enabled.ONCE", "Mode.UEFI");
      assertThat(seen.path("boot_after").toString()).contains("Enabled.DISABLED", "Mode.UEFI");
      assertThat(seen.path("inserted_after_eject").asBoolean()).isFalse();
      assertThat(seen.path("missing").asText()).isEqualTo("ResourceNotFoundError");
      // sushy logged in with a session: one password check for the whole flow
      assertThat(server.counters().get("sessions_created")).isGreaterThanOrEqualTo(1L);
      assertThat(bcrypts.get()).isEqualTo(1);

      // the same flow with HTTP Basic only (sushy's fallback), on another system
      Result basic =
          run(
              Map.of("SUSHY_AUTH", "basic"),
              List.of(
                  "/usr/bin/python3",
                  "-W",
                  "ignore::Warning",
                  script.toString(),
                  base,
                  "admin",
                  "s3cret",
                  "/redfish/v1/Systems/" + machines.get(0).uuid(),
                  image));
      assertThat(basic.exit()).as(basic.output()).isZero();
      JsonNode seenBasic = JSON.readTree(basic.output().strip().lines().findFirst().orElse(""));
      assertThat(seenBasic.path("auth").asText()).isEqualTo("BasicAuth");
      assertThat(seenBasic.path("system_id").asText()).isEqualTo("vm-0");
      assertThat(seenBasic.path("boot_after").toString()).contains("Enabled.DISABLED");
      assertThat(bcrypts.get()).as("the login already verified these credentials").isEqualTo(1);

      // redfishtool, a second client: Basic auth, list systems, read one, reset it
      List<String> rt =
          List.of(
              "redfishtool",
              "-r",
              "[::1]:" + server.addresses().get(0).getPort(),
              "-S",
              "Always",
              "-u",
              "admin",
              "-p",
              "s3cret",
              "-A",
              "Basic");
      Result systems = run(Map.of(), concat(rt, "Systems"));
      assertThat(systems.exit()).as(systems.output()).isZero();
      assertThat(systems.output()).contains("/redfish/v1/Systems/vm-0", "/redfish/v1/Systems/vm-2");
      Result one = run(Map.of(), concat(rt, "Systems", "-I", "vm-2", "get"));
      assertThat(one.exit()).as(one.output()).isZero();
      assertThat(one.output()).contains("\"PowerState\"", machines.get(2).uuid().toString());
      Result reset = run(Map.of(), concat(rt, "Systems", "-I", "vm-2", "reset", "On"));
      assertThat(reset.exit()).as(reset.output()).isZero();
      Result power = run(Map.of(), concat(rt, "Systems", "-I", "vm-2", "get", "PowerState"));
      assertThat(power.output()).containsPattern("PoweringOn|\"On\"");
    }
  }

  record Result(int exit, String output) {}

  static List<String> concat(List<String> a, String... b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(List.of(b));
    return l;
  }

  /** Runs a command; the output is stdout, then stderr. */
  static Result run(Map<String, String> env, List<String> command) throws Exception {
    java.io.File err = java.io.File.createTempFile("redfish-test", ".err");
    err.deleteOnExit();
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(err);
    // These would override verify=False in python-requests.
    pb.environment().remove("REQUESTS_CA_BUNDLE");
    pb.environment().remove("CURL_CA_BUNDLE");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    String stderr = Files.readString(err.toPath());
    Files.delete(err.toPath());
    return new Result(p.exitValue(), out + stderr);
  }
}
