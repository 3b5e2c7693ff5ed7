package org.airgap.appliance.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.config.AdminSection;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.services.ApplianceContext;
import org.airgap.appliance.services.ManagedService;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MachineDriver;
import org.airgap.redfish.driver.ResetType;
import org.airgap.redfish.driver.UnsupportedFeatureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener (127.0.0.1:9180 by default): health, metrics, the JSON API under {@code /api/}
 * and the web console on {@code /}. The whole surface is the route table in {@link #routes}; every
 * request first passes the Host check (DNS rebinding) and gets the security headers (a strict
 * Content-Security-Policy among them).
 *
 * <p>Access: on a loopback listener reading needs no login; on any other listener (TLS by default)
 * only {@code /healthz}, {@code /readyz}, the static page and the login are open, everything else
 * needs a console session or HTTP Basic credentials of the appliance's htpasswd users. Actions
 * (power, eject) are POSTs that always need a session and its CSRF token in {@code X-CSRF-Token}.
 */
public final class AdminServer implements ManagedService {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String COOKIE = "airgap_console";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final int MAX_BODY = 16 * 1024;

  /** Every response carries it: only our own scripts, styles and API; no frames, no inline code. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private static final Set<String> STATIC = Set.of("index.html", "app.js", "app.css", "icon.svg");
  private static final Pattern MACHINE_ACTION =
      Pattern.compile("/api/bmc/([A-Za-z0-9][A-Za-z0-9._-]{0,62})/(power|eject)");

  private final ApplianceContext ctx;
  private final Appliance appliance;
  private final SiteView view;
  private final ConsoleSessions sessions = new ConsoleSessions(Clock.systemUTC());
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private final Map<String, byte[]> assets = new ConcurrentHashMap<>();
  private final Map<String, Route> routes = new LinkedHashMap<>();
  private HostCheck hosts;
  private boolean tls;
  private Undertow server;

  /** Who may call a route. */
  enum Access {
    /** Anyone who passes the Host check. */
    OPEN,
    /** Anyone on a loopback listener; elsewhere a session or Basic credentials. */
    READ,
    /** A POST that creates or ends a session (JSON body, same origin). */
    LOGIN,
    /** A POST with a session and its CSRF token. */
    ACTION
  }

  /** What a route does with the request; {@code session} is the caller's login, if any. */
  interface Handler {
    void handle(HttpServerExchange ex, Optional<ConsoleSessions.Session> session) throws Exception;
  }

  record Route(String method, Access access, Handler handler) {}

  /** One listener: whether it is off loopback (reads need a login). */
  private record Listener(boolean remote) {}

  public AdminServer(ApplianceContext ctx, Appliance appliance) {
    this.ctx = ctx;
    this.appliance = appliance;
    this.view = new SiteView(ctx, appliance);
  }

  @Override
  public String name() {
    return "admin";
  }

  /** The route table: every path this listener answers, its method and access. */
  private void routes() {
    routes.put("/healthz", new Route("GET", Access.OPEN, this::healthz));
    routes.put("/readyz", new Route("GET", Access.OPEN, this::readyz));
    routes.put("/metrics", new Route("GET", Access.READ, this::metrics));
    routes.put("/", new Route("GET", Access.OPEN, (ex, s) -> asset(ex, "index.html")));
    for (String a : STATIC) {
      routes.put("/console/" + a, new Route("GET", Access.OPEN, (ex, s) -> asset(ex, a)));
    }
    routes.put("/api/status", json(view::status));
    routes.put("/api/registry", json(view::registry));
    routes.put("/api/images", json(view::images));
    routes.put("/api/dns", json(view::dns));
    routes.put("/api/dhcp", json(view::dhcp));
    routes.put("/api/bmc", json(view::bmc));
    routes.put("/api/cluster", json(view::cluster));
    routes.put("/api/session", new Route("GET", Access.OPEN, this::session));
    routes.put("/api/login", new Route("POST", Access.LOGIN, this::login));
    routes.put("/api/logout", new Route("POST", Access.ACTION, this::logout));
    // /api/bmc/{machine}/power and /eject: matched by MACHINE_ACTION
  }

  private interface Snapshot {
    JsonNode get() throws Exception;
  }

  private static Route json(Snapshot s) {
    return new Route("GET", Access.READ, (ex, session) -> sendJson(ex, 200, s.get()));
  }

  @Override
  public synchronized void start() {
    new ClassLoaderMetrics().bindTo(metrics);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    new UptimeMetrics().bindTo(metrics);
    Gauge.builder("airgap.ready", () -> appliance.ready() ? 1 : 0)
        .description("1 when every enabled service is running")
        .register(metrics);
    for (String a : STATIC) {
      assets.put(a, resource("/console/" + a));
    }
    routes();
    AdminSection s = ctx.config().admin();
    hosts = new HostCheck(ctx.config().site(), s.listen());
    tls = s.tls();
    Optional<SSLContext> ssl = ctx.tls("admin", tls);
    Undertow.Builder b = Undertow.builder().setIoThreads(1).setWorkerThreads(4);
    for (ListenAddress l : s.listen()) {
      Listener listener = new Listener(!l.host().isLoopbackAddress());
      Undertow.ListenerBuilder lb =
          new Undertow.ListenerBuilder()
              .setType(ssl.isPresent() ? Undertow.ListenerType.HTTPS : Undertow.ListenerType.HTTP)
              .setHost(l.host().getHostAddress())
              .setPort(l.port())
              .setRootHandler(ex -> handle(ex, listener));
      ssl.ifPresent(lb::setSslContext);
      b.addListener(lb);
    }
    Undertow u = b.build();
    try {
      u.start();
    } catch (RuntimeException e) {
      u.stop();
      throw new IllegalStateException("cannot listen on " + s.listen() + ": " + rootMessage(e), e);
    }
    server = u;
    for (Undertow.ListenerInfo li : u.getListenerInfo()) {
      bound.add((InetSocketAddress) li.getAddress());
    }
  }

  private static byte[] resource(String path) {
    try (InputStream in = AdminServer.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("console resource " + path + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  // ---- the gate every request passes -----------------------------------------------------

  private void handle(HttpServerExchange ex, Listener listener) {
    if (ex.isInIoThread()) {
      ex.dispatch(() -> handle(ex, listener));
      return;
    }
    var h = ex.getResponseHeaders();
    h.put(HttpString.tryFromString("Content-Security-Policy"), CSP);
    h.put(HttpString.tryFromString("X-Content-Type-Options"), "nosniff");
    h.put(HttpString.tryFromString("X-Frame-Options"), "DENY");
    h.put(HttpString.tryFromString("Referrer-Policy"), "no-referrer");
    h.put(HttpString.tryFromString("Cross-Origin-Opener-Policy"), "same-origin");
    h.put(HttpString.tryFromString("Cross-Origin-Resource-Policy"), "same-origin");
    h.put(Headers.CACHE_CONTROL, "no-store");
    try {
      ex.startBlocking();
      if (!hosts.allows(ex.getRequestHeaders().getFirst(Headers.HOST))) {
        throw new ApiError(
            ApiError.Code.MISDIRECTED_REQUEST,
            "Host '"
                + ex.getRequestHeaders().getFirst(Headers.HOST)
                + "' is not a name of this admin listener");
      }
      String path = ex.getRequestPath();
      String method = ex.getRequestMethod().toString();
      Route route = routes.get(path);
      if (route == null) {
        Matcher m = MACHINE_ACTION.matcher(path);
        if (m.matches()) {
          String machine = m.group(1);
          route =
              m.group(2).equals("power")
                  ? new Route("POST", Access.ACTION, (e, s) -> power(e, machine))
                  : new Route("POST", Access.ACTION, (e, s) -> eject(e, machine));
        }
      }
      if (route == null) {
        throw new ApiError(ApiError.Code.NOT_FOUND, "no such path: " + path);
      }
      boolean allowed =
          method.equals(route.method()) || (route.method().equals("GET") && method.equals("HEAD"));
      if (!allowed) {
        h.put(Headers.ALLOW, route.method().equals("GET") ? "GET, HEAD" : route.method());
        throw new ApiError(ApiError.Code.METHOD_NOT_ALLOWED, method + " is not allowed here");
      }
      Optional<ConsoleSessions.Session> session = sessions.find(cookie(ex));
      switch (route.access()) {
        case OPEN -> {}
        case READ -> {
          if (listener.remote() && session.isEmpty() && !basicAuth(ex)) {
            if (ex.getRequestHeaders().getFirst("X-Requested-With") == null) {
              h.put(Headers.WWW_AUTHENTICATE, "Basic realm=\"airgap admin\"");
            }
            throw new ApiError(ApiError.Code.UNAUTHORIZED, "log in to read this listener");
          }
        }
        case LOGIN -> sameOriginJson(ex);
        case ACTION -> {
          sameOriginJson(ex);
          if (session.isEmpty()) {
            throw new ApiError(ApiError.Code.UNAUTHORIZED, "log in first");
          }
          if (!session.get().csrfMatches(ex.getRequestHeaders().getFirst(CSRF_HEADER))) {
            throw new ApiError(ApiError.Code.FORBIDDEN, "missing or wrong " + CSRF_HEADER);
          }
        }
      }
      route.handler().handle(ex, session);
    } catch (ApiError e) {
      error(ex, e);
    } catch (Exception e) {
      LOG.warn("admin: {} {} failed", ex.getRequestMethod(), ex.getRequestPath(), e);
      error(ex, new ApiError(ApiError.Code.UNAVAILABLE, "internal error: " + rootMessage(e)));
    }
  }

  private static String cookie(HttpServerExchange ex) {
    Cookie c = ex.getRequestCookie(COOKIE);
    return c == null ? null : c.getValue();
  }

  /** POST bodies are JSON (a cross-site form cannot send it) and come from our own origin. */
  private void sameOriginJson(HttpServerExchange ex) {
    String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(
          ApiError.Code.UNSUPPORTED_MEDIA_TYPE, "actions take Content-Type: application/json");
    }
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && !(site.equals("same-origin") || site.equals("none"))) {
      throw new ApiError(ApiError.Code.FORBIDDEN, "cross-site request refused");
    }
    String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
    if (origin != null) {
      String expected =
          (tls ? "https://" : "http://") + ex.getRequestHeaders().getFirst(Headers.HOST);
      if (!origin.equalsIgnoreCase(expected)) {
        throw new ApiError(ApiError.Code.FORBIDDEN, "Origin " + origin + " is not this console");
      }
    }
  }

  private boolean basicAuth(HttpServerExchange ex) {
    String auth = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    try {
      String pair =
          new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon > 0 && users().check(pair.substring(0, colon), pair.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private org.airgap.registry.auth.Htpasswd users() {
    ApplianceContext c = appliance.context();
    return (c != null ? c : ctx).users();
  }

  private static void error(HttpServerExchange ex, ApiError e) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode err = body.putObject("error");
    err.put("code", e.code().name());
    err.put("message", e.getMessage());
    try {
      sendJson(ex, e.code().status, body);
    } catch (IOException io) {
      ex.endExchange();
    }
  }

  private static void sendJson(HttpServerExchange ex, int status, JsonNode body)
      throws IOException {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    ex.getResponseSender().send(JSON.writeValueAsString(body));
  }

  // ---- health, metrics, assets -----------------------------------------------------------

  private void healthz(HttpServerExchange ex, Optional<ConsoleSessions.Session> s) {
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    ex.getResponseSender().send("ok\n");
  }

  private void readyz(HttpServerExchange ex, Optional<ConsoleSessions.Session> s) {
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    StringBuilder sb = new StringBuilder();
    for (ManagedService svc : appliance.services()) {
      sb.append(svc.name()).append(' ').append(appliance.state(svc.name()).name().toLowerCase());
      svc.notReady().ifPresent(why -> sb.append(", not ready: ").append(why));
      sb.append('\n');
    }
    ex.setStatusCode(appliance.ready() ? 200 : 503);
    ex.getResponseSender().send(sb.toString());
  }

  private void metrics(HttpServerExchange ex, Optional<ConsoleSessions.Session> s) {
    registerServiceCounters();
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    ex.getResponseSender().send(metrics.scrape());
  }

  /**
   * Each service's counters become {@code airgap_<service>_<name>_total}, registered lazily; the
   * few values that go down as well as up (open connections, active sessions) become gauges.
   */
  private void registerServiceCounters() {
    for (ManagedService s : appliance.services()) {
      for (String key : s.counters().keySet()) {
        String id = s.name() + "." + key;
        if (!registered.add(id)) {
          continue;
        }
        if (isGauge(key)) {
          Gauge.builder(
                  "airgap." + id, s, svc -> svc.counters().getOrDefault(key, 0L).doubleValue())
              .register(metrics);
        } else {
          FunctionCounter.builder(
                  "airgap." + id, s, svc -> svc.counters().getOrDefault(key, 0L).doubleValue())
              .register(metrics);
        }
      }
    }
  }

  static boolean isGauge(String key) {
    return key.startsWith("open") || key.endsWith("active") || key.endsWith("_open");
  }

  private void asset(HttpServerExchange ex, String name) {
    String type =
        name.endsWith(".html")
            ? "text/html; charset=utf-8"
            : name.endsWith(".js")
                ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    ex.getResponseSender().send(java.nio.ByteBuffer.wrap(assets.get(name)));
  }

  // ---- sessions --------------------------------------------------------------------------

  private void session(HttpServerExchange ex, Optional<ConsoleSessions.Session> s)
      throws IOException {
    ObjectNode out = JSON.createObjectNode();
    if (s.isPresent()) {
      out.put("user", s.get().user());
      out.put("csrf", s.get().csrf());
    } else {
      out.putNull("user");
    }
    sendJson(ex, 200, out);
  }

  private void login(HttpServerExchange ex, Optional<ConsoleSessions.Session> old)
      throws IOException {
    JsonNode body = body(ex);
    String user = body.path("user").asText("");
    String password = body.path("password").asText("");
    if (user.isEmpty() || !users().check(user, password)) {
      throw new ApiError(ApiError.Code.UNAUTHORIZED, "wrong user or password");
    }
    old.ifPresent(o -> sessions.remove(o.id()));
    ConsoleSessions.Session s = sessions.create(user);
    ex.getResponseHeaders()
        .add(
            Headers.SET_COOKIE,
            COOKIE
                + "="
                + s.id()
                + "; Path=/; HttpOnly; SameSite=Strict"
                + (tls ? "; Secure" : ""));
    LOG.info("admin: console login by {}", user);
    ObjectNode out = JSON.createObjectNode();
    out.put("user", s.user());
    out.put("csrf", s.csrf());
    sendJson(ex, 200, out);
  }

  private void logout(HttpServerExchange ex, Optional<ConsoleSessions.Session> s)
      throws IOException {
    s.ifPresent(x -> sessions.remove(x.id()));
    ex.getResponseHeaders()
        .add(
            Headers.SET_COOKIE,
            COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : ""));
    ObjectNode out = JSON.createObjectNode();
    out.putNull("user");
    sendJson(ex, 200, out);
  }

  private static JsonNode body(HttpServerExchange ex) throws IOException {
    byte[] b = ex.getInputStream().readNBytes(MAX_BODY + 1);
    if (b.length > MAX_BODY) {
      throw new ApiError(ApiError.Code.BAD_REQUEST, "body larger than " + MAX_BODY + " bytes");
    }
    if (b.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(b);
      if (!n.isObject()) {
        throw new ApiError(ApiError.Code.BAD_REQUEST, "the body must be a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiError(ApiError.Code.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
    }
  }

  // ---- BMC actions -----------------------------------------------------------------------

  private MachineDriver driver() {
    return view.driver()
        .orElseThrow(() -> new ApiError(ApiError.Code.UNAVAILABLE, "redfish is not running"));
  }

  private static Machine machine(MachineDriver d, String name) {
    return d.find(name)
        .orElseThrow(() -> new ApiError(ApiError.Code.NOT_FOUND, "no machine " + name));
  }

  /** {@code {"reset": "On" | "ForceOff" | …}}: the Redfish ResetType the driver accepts. */
  private void power(HttpServerExchange ex, String name) throws Exception {
    String type = body(ex).path("reset").asText("");
    MachineDriver d = driver();
    Machine m = machine(d, name);
    ResetType t =
        ResetType.parse(type)
            .filter(d.resetTypes()::contains)
            .orElseThrow(
                () ->
                    new ApiError(
                        ApiError.Code.BAD_REQUEST,
                        "reset must be one of "
                            + d.resetTypes().stream().map(ResetType::redfish).sorted().toList()));
    d.reset(m, t);
    LOG.info("admin: {} on {} from the console", t.redfish(), m.name());
    sendJson(ex, 200, view.bmc());
  }

  private void eject(HttpServerExchange ex, String name) throws Exception {
    body(ex);
    MachineDriver d = driver();
    Machine m = machine(d, name);
    try {
      d.ejectMedia(m);
    } catch (UnsupportedFeatureException e) {
      throw new ApiError(ApiError.Code.CONFLICT, e.getMessage());
    }
    LOG.info("admin: eject on {} from the console", m.name());
    sendJson(ex, 200, view.bmc());
  }

  // ---- lifecycle -------------------------------------------------------------------------

  @Override
  public List<InetSocketAddress> addresses() {
    return List.copyOf(bound);
  }

  @Override
  public List<String> urls() {
    String scheme = tls ? "https://" : "http://";
    return addresses().stream().map(a -> scheme + SiteView.text(a) + "/").toList();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop();
      server = null;
    }
    metrics.close();
  }
}
