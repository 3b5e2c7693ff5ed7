package org.airgap.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MemoryDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VirtualMediaApiTest {
  static Harness h;
  static final String ISO = "http://192.0.2.10:8080/images/discovery.iso";

  @BeforeAll
  static void start() {
    h = new Harness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static String cd(String parent, String name) {
    return "/redfish/v1/" + parent + "/" + name + "/VirtualMedia/Cd";
  }

  static String insert(String image) {
    return "{\"Image\":\"" + image + "\",\"Inserted\":true,\"WriteProtected\":true}";
  }

  @Test
  void managerAndSystemViewsShareOneDrive() {
    Harness.Response coll = h.get("/redfish/v1/Managers/vm-0/VirtualMedia");
    assertThat(coll.body().path("Members").path(0).path("@odata.id").asText())
        .isEqualTo(cd("Managers", "vm-0"));
    Harness.Response empty = h.get(cd("Systems", "vm-0"));
    assertThat(empty.body().path("Inserted").asBoolean()).isFalse();
    assertThat(empty.body().path("Image").isNull()).isTrue();
    assertThat(empty.body().path("MediaTypes").toString()).contains("CD", "DVD");
    assertThat(
            empty
                .body()
                .path("Actions")
                .path("#VirtualMedia.InsertMedia")
                .path("TransferProtocolType@Redfish.AllowableValues")
                .toString())
        .contains("HTTP", "HTTPS");

    Harness.Response ins =
        h.post(cd("Managers", "vm-0") + "/Actions/VirtualMedia.InsertMedia", insert(ISO));
    assertThat(ins.status()).isEqualTo(204);
    for (String parent : List.of("Managers", "Systems")) {
      Harness.Response r = h.get(cd(parent, "vm-0"));
      assertThat(r.body().path("Inserted").asBoolean()).isTrue();
      assertThat(r.body().path("Image").asText()).isEqualTo(ISO);
      assertThat(r.body().path("ImageName").asText()).isEqualTo("discovery.iso");
      assertThat(r.body().path("TransferProtocolType").asText()).isEqualTo("HTTP");
      assertThat(r.body().path("@odata.id").asText()).isEqualTo(cd(parent, "vm-0"));
    }
    // the same image again is a no-op; another one is 409 until ejected
    assertThat(
            h.post(cd("Systems", "vm-0") + "/Actions/VirtualMedia.InsertMedia", insert(ISO))
                .status())
        .isEqualTo(204);
    Harness.Response busy =
        h.post(
            cd("Systems", "vm-0") + "/Actions/VirtualMedia.InsertMedia",
            insert("https://192.0.2.10/other.iso"));
    assertThat(busy.status()).isEqualTo(409);
    assertThat(busy.messageId()).isEqualTo("Base.1.19.ResourceInUse");
    // sushy ejects with an empty body
    Harness.Response ej =
        h.send(
            "POST",
            cd("Systems", "vm-0") + "/Actions/VirtualMedia.EjectMedia",
            Optional.empty(),
            Map.of());
    assertThat(ej.status()).isEqualTo(204);
    assertThat(h.get(cd("Managers", "vm-0")).body().path("Inserted").asBoolean()).isFalse();
    assertThat(h.post(cd("Managers", "vm-0") + "/Actions/VirtualMedia.EjectMedia", "{}").status())
        .isEqualTo(204);
  }

  @Test
  void badInsertsAreRedfishErrors() {
    String action = cd("Managers", "vm-1") + "/Actions/VirtualMedia.InsertMedia";
    record Bad(String body, int status, String key) {}
    for (Bad b :
        List.of(
            new Bad("{}", 400, "ActionParameterMissing"),
            new Bad("{\"Image\":42}", 400, "ActionParameterValueTypeError"),
            new Bad("{\"Image\":\"not a url\"}", 400, "ActionParameterValueFormatError"),
            new Bad(
                "{\"Image\":\"ftp://192.0.2.1/x.iso\"}", 400, "ActionParameterValueFormatError"),
            new Bad(
                "{\"Image\":\"" + ISO + "\",\"TransferProtocolType\":\"NFS\"}",
                400,
                "ActionParameterNotSupported"),
            new Bad(
                "{\"Image\":\"" + ISO + "\",\"TransferProtocolType\":\"HTTPS\"}",
                400,
                "ActionParameterValueFormatError"),
            new Bad(
                "{\"Image\":\"" + ISO + "\",\"Inserted\":false}",
                400,
                "ActionParameterNotSupported"),
            new Bad(
                "{\"Image\":\"" + ISO + "\",\"Colour\":\"red\"}", 400, "ActionParameterUnknown"),
            new Bad("{\"Image\":", 400, "MalformedJSON"))) {
      Harness.Response r = h.post(action, b.body());
      assertThat(r.status()).as(b.body()).isEqualTo(b.status());
      assertThat(r.messageId()).as(b.body()).isEqualTo("Base.1.19." + b.key());
    }
    assertThat(h.get(cd("Managers", "vm-1")).body().path("Inserted").asBoolean()).isFalse();
    assertThat(h.get("/redfish/v1/Managers/vm-1/VirtualMedia/Floppy").status()).isEqualTo(404);
    assertThat(h.get("/redfish/v1/Managers/nope/VirtualMedia").status()).isEqualTo(404);
  }

  @Test
  void credentialsAreKeptButThePasswordIsNeverShown() {
    String action = cd("Systems", "vm-2") + "/Actions/VirtualMedia.InsertMedia";
    Harness.Response r =
        h.post(
            action,
            "{\"Image\":\"https://192.0.2.10/s.iso\",\"UserName\":\"u\",\"Password\":\"pw\","
                + "\"TransferProtocolType\":\"HTTPS\",\"TransferMethod\":\"Stream\"}");
    assertThat(r.status()).isEqualTo(204);
    Harness.Response g = h.get(cd("Systems", "vm-2"));
    assertThat(g.body().path("UserName").asText()).isEqualTo("u");
    assertThat(g.body().path("Password").isNull()).isTrue();
    assertThat(g.body().toString()).doesNotContain("\"pw\"");
    h.post(cd("Systems", "vm-2") + "/Actions/VirtualMedia.EjectMedia", "{}");
  }

  @Test
  void threeSystemsInsertInParallel() throws Exception {
    List<Machine> ms = Machine.numbered(0, 3);
    try (Harness p =
        new Harness(ms, Duration.ofMillis(50), Clock.systemUTC(), Duration.ofMinutes(5))) {
      ExecutorService pool = Executors.newFixedThreadPool(3);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<Integer>> fs = new ArrayList<>();
        for (Machine m : ms) {
          fs.add(
              pool.submit(
                  () -> {
                    go.await();
                    return p.post(
                            cd("Managers", m.name()) + "/Actions/VirtualMedia.InsertMedia",
                            insert("http://192.0.2.10/" + m.name() + ".iso"))
                        .status();
                  }));
        }
        go.countDown();
        for (Future<Integer> f : fs) {
          assertThat(f.get()).isEqualTo(204);
        }
      } finally {
        pool.shutdownNow();
      }
      for (Machine m : ms) {
        assertThat(p.get(cd("Systems", m.name())).body().path("Image").asText())
            .isEqualTo("http://192.0.2.10/" + m.name() + ".iso");
      }
    }
  }

  @Test
  void aBackendWithoutFeaturesAnswers501() {
    List<Machine> ms = Machine.defaults();
    try (Harness p =
        new Harness(
            ms,
            () -> new MemoryDriver(ms, Duration.ZERO, Clock.systemUTC(), java.util.Set.of()),
            Clock.systemUTC(),
            Duration.ofMinutes(5))) {
      Harness.Response sys = p.get("/redfish/v1/Systems/vm-0");
      assertThat(sys.body().has("VirtualMedia")).isFalse();
      assertThat(sys.body().has("SecureBoot")).isFalse();
      assertThat(sys.body().toString()).doesNotContain("Nmi");
      Harness.Response media =
          p.post(cd("Managers", "vm-0") + "/Actions/VirtualMedia.InsertMedia", insert(ISO));
      assertThat(media.status()).isEqualTo(501);
      assertThat(media.body().path("error").path("message").asText()).contains("virtual media");
      Harness.Response sb =
          p.patch("/redfish/v1/Systems/vm-0/SecureBoot", "{\"SecureBootEnable\":true}", Map.of());
      assertThat(sb.status()).isEqualTo(501);
      Harness.Response nmi =
          p.post(
              "/redfish/v1/Systems/vm-0/Actions/ComputerSystem.Reset", "{\"ResetType\":\"Nmi\"}");
      assertThat(nmi.status()).isEqualTo(400);
      assertThat(nmi.messageId()).isEqualTo("Base.1.19.ActionParameterNotSupported");
    }
  }
}
