package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SessionService and its Sessions: login ({@code POST}, no credentials needed but the body's),
 * list, read and logout ({@code DELETE}).
 */
public final class SessionsHandler {
  private final Sessions sessions;
  private final Security security;

  public SessionsHandler(Sessions sessions, Security security) {
    this.sessions = sessions;
    this.security = security;
  }

  public Reply service(Call call) {
    ObjectNode n =
        Json.resource(
            "#SessionService.v1_2_0.SessionService",
            Paths.SESSION_SERVICE,
            "SessionService",
            "Session Service");
    n.put("ServiceEnabled", true);
    n.put("SessionTimeout", sessions.idleTimeout().toSeconds());
    n.putObject("Status").put("State", "Enabled").put("Health", "OK");
    n.set("Sessions", Json.link(Paths.SESSIONS));
    return Reply.resource(n);
  }

  public Reply collection(Call call) {
    return Reply.ok(
        Json.collection(
            "#SessionCollection.SessionCollection",
            Paths.SESSIONS,
            "Session Collection",
            sessions.list().stream().map(s -> Paths.session(s.id())).toList()));
  }

  /** Login: {@code {"UserName", "Password"}} → 201, {@code X-Auth-Token}, {@code Location}. */
  public Reply create(Call call) {
    JsonNode body = Actions.object(call.json());
    String user = property(body, "UserName");
    String password = property(body, "Password");
    if (!security.check(user, password)) {
      security.countFailure();
      throw new RedfishException(RedfishError.LOGIN_FAILED);
    }
    Sessions.Session s = sessions.create(user);
    String location = Paths.session(s.id());
    return new Reply(201, Optional.of(render(s)), Map.of("X-Auth-Token", s.token()), true)
        .with("Location", location);
  }

  private static String property(JsonNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      throw new RedfishException(
          List.of(
              RedfishException.property(
                  RedfishError.CREATE_FAILED_MISSING_REQ_PROPERTIES, "/" + name, name)));
    }
    if (!v.isTextual()) {
      throw new RedfishException(
          List.of(
              RedfishException.property(
                  RedfishError.PROPERTY_VALUE_TYPE_ERROR, "/" + name, "(hidden)", name)));
    }
    return v.asText();
  }

  public Reply get(Call call) {
    String id = call.param("session");
    return Reply.resource(
        render(
            sessions
                .find(id)
                .orElseThrow(
                    () -> new RedfishException(RedfishError.RESOURCE_NOT_FOUND, "Session", id))));
  }

  public Reply delete(Call call) {
    String id = call.param("session");
    if (!sessions.delete(id)) {
      throw new RedfishException(RedfishError.RESOURCE_NOT_FOUND, "Session", id);
    }
    return Reply.noContent();
  }

  private static ObjectNode render(Sessions.Session s) {
    ObjectNode n =
        Json.resource("#Session.v1_8_0.Session", Paths.session(s.id()), s.id(), "User Session");
    n.put("UserName", s.user());
    n.putNull("Password");
    n.put(
        "CreatedTime",
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            s.created().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)));
    n.put("SessionType", "Redfish");
    return n;
  }
}
