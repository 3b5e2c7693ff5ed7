package org.airgap.redfish.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps method and path to a handler. Patterns are literal segments and {@code {name}} parameters;
 * the parameter {@code {system}} also matches the two segments {@code local/<name>} (the form
 * Metal3's {@code redfish-virtualmedia://host/redfish/v1/Systems/local/<name>} addresses use).
 * Trailing slashes are ignored.
 */
public final class Router {
  /** Who may call a route. */
  public enum Access {
    PUBLIC,
    AUTHENTICATED
  }

  /** Handles one call; throws {@link RedfishException} for protocol errors. */
  @FunctionalInterface
  public interface Handler {
    Reply handle(Call call);
  }

  /** One row of the route table. */
  public record Route(String method, String pattern, Access access, Handler handler) {
    List<String> segments() {
      return split(pattern);
    }
  }

  /** The outcome of matching one request. */
  public sealed interface Match {}

  public record Found(Route route, Map<String, String> params) implements Match {}

  /** The path exists but not for this method; {@code allow} lists the methods it has. */
  public record WrongMethod(Set<String> allow) implements Match {}

  public record NotFound() implements Match {}

  private final List<Route> routes = new ArrayList<>();

  public Router add(String method, String pattern, Access access, Handler handler) {
    routes.add(new Route(method, pattern, access, handler));
    return this;
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }

  /** Matches; {@code HEAD} matches {@code GET} routes. */
  public Match match(String method, String path) {
    List<String> segs = split(path);
    Set<String> allow = new LinkedHashSet<>();
    for (Route r : routes) {
      Map<String, String> params = bind(r.segments(), segs);
      if (params == null) {
        continue;
      }
      if (r.method.equals(method) || (method.equals("HEAD") && r.method.equals("GET"))) {
        return new Found(r, params);
      }
      allow.add(r.method);
    }
    if (allow.isEmpty()) {
      return new NotFound();
    }
    if (allow.contains("GET")) {
      allow.add("HEAD");
    }
    return new WrongMethod(allow);
  }

  private static Map<String, String> bind(List<String> pattern, List<String> path) {
    Map<String, String> params = new HashMap<>();
    int i = 0;
    for (String p : pattern) {
      if (i >= path.size()) {
        return null;
      }
      String s = path.get(i);
      if (p.equals("{system}") && s.equals("local") && i + 1 < path.size()) {
        params.put("system", path.get(i + 1));
        i += 2;
      } else if (p.startsWith("{") && p.endsWith("}")) {
        params.put(p.substring(1, p.length() - 1), s);
        i++;
      } else if (p.equals(s)) {
        i++;
      } else {
        return null;
      }
    }
    return i == path.size() ? params : null;
  }

  static List<String> split(String path) {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
  }
}
