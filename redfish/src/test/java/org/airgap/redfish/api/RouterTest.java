package org.airgap.redfish.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RouterTest {
  static final Router ROUTER =
      new Router()
          .add("GET", "/redfish/v1", Router.Access.PUBLIC, c -> Reply.noContent())
          .add("GET", "/redfish/v1/Systems/{system}", Router.Access.AUTHENTICATED, c -> null)
          .add("PATCH", "/redfish/v1/Systems/{system}", Router.Access.AUTHENTICATED, c -> null)
          .add(
              "GET",
              "/redfish/v1/Systems/{system}/VirtualMedia/{media}",
              Router.Access.AUTHENTICATED,
              c -> null)
          .add("GET", "/redfish/v1/Managers/{manager}", Router.Access.AUTHENTICATED, c -> null);

  /** A request and what it must match: the pattern and parameters, the Allow set, or nothing. */
  record Case(String method, String path, String expect) {}

  static Stream<Case> cases() {
    return Stream.of(
        new Case("GET", "/redfish/v1/", "/redfish/v1 {}"),
        new Case("GET", "/redfish/v1", "/redfish/v1 {}"),
        new Case("HEAD", "/redfish/v1", "/redfish/v1 {}"),
        new Case("GET", "/redfish/v1/Systems/vm-0", "/redfish/v1/Systems/{system} {system=vm-0}"),
        new Case(
            "GET", "/redfish/v1/Systems/local/vm-0", "/redfish/v1/Systems/{system} {system=vm-0}"),
        new Case("GET", "/redfish/v1/Systems/local", "/redfish/v1/Systems/{system} {system=local}"),
        new Case(
            "GET",
            "/redfish/v1/Systems/local/vm-1/VirtualMedia/Cd",
            "/redfish/v1/Systems/{system}/VirtualMedia/{media} {media=Cd, system=vm-1}"),
        new Case("GET", "/redfish/v1/Managers/local/vm-0", "not found"),
        new Case("DELETE", "/redfish/v1/Systems/vm-0", "allow [GET, PATCH, HEAD]"),
        new Case("POST", "/redfish/v1", "allow [GET, HEAD]"),
        new Case("GET", "/redfish/v1/Systems", "not found"),
        new Case("GET", "/redfish/v2", "not found"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void matches(Case c) {
    Router.Match m = ROUTER.match(c.method(), c.path());
    String got;
    if (m instanceof Router.Found f) {
      got = f.route().pattern() + " " + new TreeMap<>(f.params());
    } else if (m instanceof Router.WrongMethod w) {
      got = "allow " + w.allow();
    } else {
      got = "not found";
    }
    assertThat(got).isEqualTo(c.expect());
  }
}
