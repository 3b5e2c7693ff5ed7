package org.airgap.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.airgap.redfish.driver.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SystemsApiTest {
  static Harness h;
  static final Machine VM0 = Machine.numbered(0);

  @BeforeAll
  static void start() {
    h = new Harness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void collectionListsEveryMachine() {
    Harness.Response r = h.get("/redfish/v1/Systems");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("Members@odata.count").asInt()).isEqualTo(3);
    assertThat(r.body().path("Members").findValuesAsText("@odata.id"))
        .containsExactly(
            "/redfish/v1/Systems/vm-0", "/redfish/v1/Systems/vm-1", "/redfish/v1/Systems/vm-2");
  }

  @Test
  void oneSystemByNameUuidAndLocalNameWithOneCanonicalId() {
    for (String p :
        List.of(
            "/redfish/v1/Systems/vm-0",
            "/redfish/v1/Systems/" + VM0.uuid(),
            "/redfish/v1/Systems/local/vm-0",
            "/redfish/v1/Systems/local/vm-0/")) {
      Harness.Response r = h.get(p);
      assertThat(r.status()).as(p).isEqualTo(200);
      assertThat(r.body().path("@odata.id").asText()).isEqualTo("/redfish/v1/Systems/vm-0");
      assertThat(r.body().path("UUID").asText()).isEqualTo(VM0.uuid().toString());
      assertThat(r.header("ETag")).isPresent();
      assertThat(r.body().path("Links").path("ManagedBy").path(0).path("@odata.id").asText())
          .isEqualTo("/redfish/v1/Managers/vm-0");
      assertThat(r.body().path("VirtualMedia").path("@odata.id").asText())
          .isEqualTo("/redfish/v1/Systems/vm-0/VirtualMedia");
    }
    assertThat(h.get("/redfish/v1/Systems/local/vm-0/VirtualMedia/Cd").status()).isEqualTo(200);
  }

  @Test
  void bootOverrideOnceIsConsumedByPowerOnAndModeIsReflectedAtOnce() {
    String vm = "/redfish/v1/Systems/vm-1";
    assertThat(
            h.post(vm + "/Actions/ComputerSystem.Reset", "{\"ResetType\":\"ForceOff\"}").status())
        .isEqualTo(204);
    h.awaitPower("vm-1", "Off");
    Harness.Response p =
        h.patch(
            vm,
            "{\"Boot\":{\"BootSourceOverrideTarget\":\"Cd\",\"BootSourceOverrideEnabled\":\"Once\","
                + "\"BootSourceOverrideMode\":\"Legacy\"}}",
            Map.of());
    assertThat(p.status()).isEqualTo(200);
    Harness.Response g = h.get(vm);
    assertThat(g.body().path("Boot").path("BootSourceOverrideTarget").asText()).isEqualTo("Cd");
    assertThat(g.body().path("Boot").path("BootSourceOverrideEnabled").asText()).isEqualTo("Once");
    assertThat(g.body().path("Boot").path("BootSourceOverrideMode").asText()).isEqualTo("Legacy");
    h.patch(vm, "{\"Boot\":{\"BootSourceOverrideMode\":\"UEFI\"}}", Map.of());
    assertThat(h.get(vm).body().path("Boot").path("BootSourceOverrideMode").asText())
        .isEqualTo("UEFI");
    assertThat(h.post(vm + "/Actions/ComputerSystem.Reset", "{\"ResetType\":\"On\"}").status())
        .isEqualTo(204);
    assertThat(h.get(vm).body().path("PowerState").asText()).isIn("PoweringOn", "On");
    h.awaitPower("vm-1", "On");
    assertThat(h.get(vm).body().path("Boot").path("BootSourceOverrideEnabled").asText())
        .isEqualTo("Disabled");
  }

  @Test
  void ifMatchStaleIs412AndCurrentWeakOrStrongSucceeds() {
    String vm = "/redfish/v1/Systems/vm-2";
    String etag = h.get(vm).header("ETag").orElseThrow();
    String body = "{\"Boot\":{\"BootSourceOverrideTarget\":\"Pxe\"}}";
    assertThat(h.patch(vm, body, Map.of("If-Match", etag)).status()).isEqualTo(200);
    Harness.Response stale =
        h.patch(vm, "{\"Boot\":{\"BootSourceOverrideTarget\":\"Hdd\"}}", Map.of("If-Match", etag));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.messageId()).isEqualTo("Base.1.19.PreconditionFailed");
    assertThat(h.get(vm).body().path("Boot").path("BootSourceOverrideTarget").asText())
        .isEqualTo("Pxe");
    String now = h.get(vm).header("ETag").orElseThrow();
    assertThat(h.patch(vm, body, Map.of("If-Match", "W/" + now)).status()).isEqualTo(200);
    assertThat(h.patch(vm, body, Map.of("If-Match", now)).status()).isEqualTo(200);
    assertThat(h.send("GET", vm, Optional.empty(), Map.of("If-None-Match", now)).status())
        .isEqualTo(304);
  }

  /** A bad request and the error it must get. */
  record Case(String method, String path, String body, int status, String messageKey) {
    @Override
    public String toString() {
      return method + " " + path + " " + body + " -> " + status + " " + messageKey;
    }
  }

  static Stream<Case> badRequests() {
    String vm = "/redfish/v1/Systems/vm-0";
    String reset = vm + "/Actions/ComputerSystem.Reset";
    return Stream.of(
        new Case("GET", "/redfish/v1/Systems/nope", null, 404, "ResourceNotFound"),
        new Case("GET", "/redfish/v1/Systems/local/nope", null, 404, "ResourceNotFound"),
        new Case("GET", "/redfish/v1/Nothing/here", null, 404, "ResourceMissingAtURI"),
        new Case("DELETE", vm, null, 405, "OperationNotAllowed"),
        new Case("POST", "/redfish/v1/Systems", "{}", 405, "OperationNotAllowed"),
        new Case("PATCH", vm, "{\"Boot\": {", 400, "MalformedJSON"),
        new Case("PATCH", vm, "{\"a\":1,\"a\":2}", 400, "MalformedJSON"),
        new Case("PATCH", vm, "", 400, "EmptyJSON"),
        new Case("PATCH", vm, "[1]", 400, "UnrecognizedRequestBody"),
        new Case("PATCH", vm, "{\"PowerState\":\"On\"}", 400, "PropertyNotWritable"),
        new Case("PATCH", vm, "{\"UUID\":\"x\"}", 400, "PropertyNotWritable"),
        new Case("PATCH", vm, "{\"Frobnicate\":1}", 400, "PropertyUnknown"),
        new Case(
            "PATCH",
            vm,
            "{\"Boot\":{\"BootSourceOverrideTarget\":\"Moon\"}}",
            400,
            "PropertyValueNotInList"),
        new Case(
            "PATCH",
            vm,
            "{\"Boot\":{\"BootSourceOverrideEnabled\":1}}",
            400,
            "PropertyValueTypeError"),
        new Case(
            "PATCH",
            vm,
            "{\"Boot\":{\"BootSourceOverrideTarget@Redfish.AllowableValues\":[]}}",
            400,
            "PropertyNotWritable"),
        new Case("PATCH", "/redfish/v1/Systems/nope", "{}", 404, "ResourceNotFound"),
        new Case(
            "POST", reset, "{\"ResetType\":\"PowerCycle\"}", 400, "ActionParameterNotSupported"),
        new Case("POST", reset, "{\"ResetType\":\"Explode\"}", 400, "ActionParameterNotSupported"),
        new Case("POST", reset, "{}", 400, "ActionParameterMissing"),
        new Case("POST", reset, "{\"ResetType\":true}", 400, "ActionParameterValueTypeError"),
        new Case(
            "POST", reset, "{\"ResetType\":\"On\",\"Force\":1}", 400, "ActionParameterUnknown"),
        new Case("POST", reset, "not json", 400, "MalformedJSON"),
        new Case("GET", reset, null, 405, "OperationNotAllowed"),
        new Case(
            "PATCH",
            vm + "/SecureBoot",
            "{\"SecureBootEnable\":\"yes\"}",
            400,
            "PropertyValueTypeError"),
        new Case(
            "PATCH",
            vm + "/SecureBoot",
            "{\"SecureBootCurrentBoot\":\"Enabled\"}",
            400,
            "PropertyNotWritable"));
  }

  @ParameterizedTest
  @MethodSource("badRequests")
  void badRequestsGetRedfishErrors(Case c) {
    Harness.Response r = h.send(c.method(), c.path(), Optional.ofNullable(c.body()), Map.of());
    assertThat(r.status()).isEqualTo(c.status());
    assertThat(r.body().path("error").path("code").asText()).startsWith("Base.1.19.");
    assertThat(r.messageId()).isEqualTo("Base.1.19." + c.messageKey());
    if (c.status() == 405) {
      assertThat(r.header("Allow")).isPresent();
      assertThat(r.header("Allow").get()).doesNotContain(c.method());
    }
  }

  @Test
  void resetTypesAdvertisedAreExactlyTheAcceptedOnes() {
    List<String> types = new java.util.ArrayList<>();
    h.get("/redfish/v1/Systems/vm-0")
        .body()
        .path("Actions")
        .path("#ComputerSystem.Reset")
        .path("ResetType@Redfish.AllowableValues")
        .forEach(n -> types.add(n.asText()));
    assertThat(types)
        .containsExactlyInAnyOrder(
            "On",
            "ForceOff",
            "GracefulShutdown",
            "GracefulRestart",
            "ForceRestart",
            "PushPowerButton",
            "Nmi");
    for (String t : types) {
      assertThat(
              h.post(
                      "/redfish/v1/Systems/vm-2/Actions/ComputerSystem.Reset",
                      "{\"ResetType\":\"" + t + "\"}")
                  .status())
          .as(t)
          .isEqualTo(204);
    }
  }

  @Test
  void headOversizedBodiesAndForeignContentTypes() throws Exception {
    String vm = "/redfish/v1/Systems/vm-0";
    Harness.Response head = h.send("HEAD", vm, Optional.empty(), Map.of());
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("ETag")).isEqualTo(h.get(vm).header("ETag"));
    String big = "{\"Boot\":\"" + "x".repeat(70_000) + "\"}";
    Harness.Response tooBig = h.patch(vm, big, Map.of());
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(tooBig.messageId()).isEqualTo("Base.1.19.MalformedJSON");
    java.net.http.HttpResponse<String> text =
        h.http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(h.base + vm))
                .header("Authorization", Harness.basic(Harness.USER, Harness.PASSWORD))
                .header("Content-Type", "text/plain")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("Boot=Cd"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(
            RedfishSchemas.errors(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(text.body())))
        .isEmpty();
    // the server is still fine
    assertThat(h.get(vm).status()).isEqualTo(200);
  }

  @Test
  void secureBootToggles() {
    String sb = "/redfish/v1/Systems/vm-0/SecureBoot";
    assertThat(h.get(sb).body().path("SecureBootEnable").asBoolean()).isFalse();
    Harness.Response p = h.patch(sb, "{\"SecureBootEnable\":true}", Map.of());
    assertThat(p.status()).isEqualTo(200);
    assertThat(h.get(sb).body().path("SecureBootEnable").asBoolean()).isTrue();
    String etag = h.get(sb).header("ETag").orElseThrow();
    h.patch(sb, "{\"SecureBootEnable\":false}", Map.of());
    assertThat(h.patch(sb, "{\"SecureBootEnable\":true}", Map.of("If-Match", etag)).status())
        .isEqualTo(412);
  }

  @Test
  void managersOnePerSystem() {
    Harness.Response c = h.get("/redfish/v1/Managers");
    assertThat(c.body().path("Members@odata.count").asInt()).isEqualTo(3);
    Harness.Response m = h.get("/redfish/v1/Managers/vm-1");
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.body().path("Links").path("ManagerForServers").path(0).path("@odata.id").asText())
        .isEqualTo("/redfish/v1/Systems/vm-1");
    assertThat(h.get("/redfish/v1/Managers/nope").status()).isEqualTo(404);
  }
}
