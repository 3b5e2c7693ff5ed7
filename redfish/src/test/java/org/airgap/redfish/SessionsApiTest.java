package org.airgap.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.airgap.redfish.driver.Machine;
import org.junit.jupiter.api.Test;

class SessionsApiTest {
  static final String SESSIONS = "/redfish/v1/SessionService/Sessions";

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  static String login(String user, String password) {
    return "{\"UserName\":\"" + user + "\",\"Password\":\"" + password + "\"}";
  }

  @Test
  void loginUseListLogoutAndIdleExpiry() {
    ManualClock clock = new ManualClock();
    try (Harness h =
        new Harness(Machine.defaults(), Duration.ofMillis(10), clock, Duration.ofSeconds(60))) {
      h.auth = Optional.empty();
      assertThat(h.get("/redfish/v1/SessionService").status()).isEqualTo(401);
      Harness.Response in = h.post(SESSIONS, login(Harness.USER, Harness.PASSWORD));
      assertThat(in.status()).isEqualTo(201);
      String token = in.header("X-Auth-Token").orElseThrow();
      String location = in.header("Location").orElseThrow();
      assertThat(location).startsWith(SESSIONS + "/");
      assertThat(in.body().path("UserName").asText()).isEqualTo("admin");
      assertThat(in.body().path("Password").isNull()).isTrue();

      Map<String, String> t = Map.of("X-Auth-Token", token);
      Harness.Response svc = h.send("GET", "/redfish/v1/SessionService", Optional.empty(), t);
      assertThat(svc.status()).isEqualTo(200);
      assertThat(svc.body().path("SessionTimeout").asInt()).isEqualTo(60);
      assertThat(
              h.send("GET", SESSIONS, Optional.empty(), t)
                  .body()
                  .path("Members")
                  .findValuesAsText("@odata.id"))
          .containsExactly(location);
      assertThat(h.send("GET", location, Optional.empty(), t).status()).isEqualTo(200);

      // idle for less than the timeout: still valid, and use resets the idle time
      clock.now = clock.now.plusSeconds(50);
      assertThat(h.send("GET", "/redfish/v1/Systems", Optional.empty(), t).status()).isEqualTo(200);
      clock.now = clock.now.plusSeconds(50);
      assertThat(h.send("GET", "/redfish/v1/Systems", Optional.empty(), t).status()).isEqualTo(200);
      // idle for longer: expired
      clock.now = clock.now.plusSeconds(61);
      Harness.Response expired = h.send("GET", "/redfish/v1/Systems", Optional.empty(), t);
      assertThat(expired.status()).isEqualTo(401);
      assertThat(expired.messageId()).isEqualTo("Base.1.19.NoValidSession");
      assertThat(expired.header("WWW-Authenticate")).isPresent();

      // a new session, logged out by DELETE
      Harness.Response again = h.post(SESSIONS, login(Harness.USER, Harness.PASSWORD));
      Map<String, String> t2 = Map.of("X-Auth-Token", again.header("X-Auth-Token").orElseThrow());
      String loc2 = again.header("Location").orElseThrow();
      assertThat(h.send("DELETE", loc2, Optional.empty(), t2).status()).isEqualTo(204);
      assertThat(h.send("GET", "/redfish/v1/Systems", Optional.empty(), t2).status())
          .isEqualTo(401);
      h.auth = Optional.of(Harness.basic(Harness.USER, Harness.PASSWORD));
      assertThat(h.send("DELETE", loc2, Optional.empty(), Map.of()).status()).isEqualTo(404);
    }
  }

  @Test
  void badLoginsAndBadCredentials() {
    try (Harness h = new Harness()) {
      h.auth = Optional.empty();
      Harness.Response wrong = h.post(SESSIONS, login("admin", "nope"));
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.header("X-Auth-Token")).isEmpty();
      Harness.Response missing = h.post(SESSIONS, "{\"UserName\":\"admin\"}");
      assertThat(missing.status()).isEqualTo(400);
      assertThat(missing.messageId()).isEqualTo("Base.1.19.CreateFailedMissingReqProperties");
      assertThat(h.post(SESSIONS, "{nope").messageId()).isEqualTo("Base.1.19.MalformedJSON");
      for (String authz :
          new String[] {
            "Basic !!!",
            "Basic " + java.util.Base64.getEncoder().encodeToString("nocolon".getBytes()),
            Harness.basic("admin", "wrong"),
            "Bearer x"
          }) {
        Harness.Response r =
            h.raw("GET", "/redfish/v1/Systems", Optional.empty(), Map.of("Authorization", authz));
        assertThat(r.status()).as(authz).isEqualTo(401);
      }
      assertThat(
              h.raw(
                      "GET",
                      "/redfish/v1/Systems",
                      Optional.empty(),
                      Map.of("X-Auth-Token", "forged"))
                  .status())
          .isEqualTo(401);
      assertThat(h.server.counters().get("auth_failures")).isGreaterThanOrEqualTo(6L);
      // the service root and the version document need no credentials
      assertThat(h.get("/redfish/v1/").status()).isEqualTo(200);
      assertThat(h.get("/redfish").status()).isEqualTo(200);
    }
  }

  @Test
  void basicCredentialsAreCheckedOnceThenCached() {
    try (Harness h = new Harness()) {
      for (int i = 0; i < 20; i++) {
        assertThat(h.get("/redfish/v1/Systems/vm-0").status()).isEqualTo(200);
      }
      assertThat(h.authCalls.get()).isEqualTo(1);
      assertThat(h.server.counters().get("auth_cache_hits")).isEqualTo(19L);
    }
  }
}
