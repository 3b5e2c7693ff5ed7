package org.airgap.redfish;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.airgap.redfish.api.Call;
import org.airgap.redfish.api.ErrorRenderer;
import org.airgap.redfish.api.Etags;
import org.airgap.redfish.api.Json;
import org.airgap.redfish.api.Machines;
import org.airgap.redfish.api.ManagersHandler;
import org.airgap.redfish.api.Paths;
import org.airgap.redfish.api.RedfishError;
import org.airgap.redfish.api.RedfishException;
import org.airgap.redfish.api.Reply;
import org.airgap.redfish.api.Router;
import org.airgap.redfish.api.Security;
import org.airgap.redfish.api.ServiceRootHandler;
import org.airgap.redfish.api.Sessions;
import org.airgap.redfish.api.SessionsHandler;
import org.airgap.redfish.api.SystemsHandler;
import org.airgap.redfish.api.VirtualMediaHandler;
import org.airgap.redfish.api.VirtualMediaHandler.Parent;
import org.airgap.redfish.driver.MachineDriver;
import org.airgap.redfish.driver.NoSuchMachineException;
import org.airgap.redfish.driver.UnsupportedFeatureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The Redfish service on Undertow: one listener per configured address (HTTPS when the config has a
 * TLS context), one worker pool shared by all, every request handled off the IO threads. The route
 * table is {@link #routes}.
 */
public final class RedfishServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedfishServer.class);
  static final int MAX_BODY = 64 * 1024;
  static final int SESSION_LIMIT = 256;
  private static final Set<String> HEADERS_READ =
      Set.of("authorization", "x-auth-token", "if-match", "if-none-match", "content-type");

  private final RedfishConfig config;
  private final Authenticator authenticator;
  private final Clock clock;
  private final Supplier<MachineDriver> drivers;
  private final LongAdder[] byClass = new LongAdder[6];

  private final Object lock = new Object();
  private boolean started;
  private boolean closed;
  private XnioWorker worker;
  private final List<Undertow> servers = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private volatile Sessions sessions;
  private volatile Security security;
  private Router router;
  private MachineDriver driver;

  /** The backend {@code config.driver()} names, made at {@link #start}. */
  public RedfishServer(RedfishConfig config, Authenticator authenticator) {
    this(config, authenticator, () -> MachineDrivers.create(config), Clock.systemUTC());
  }

  /**
   * With the backend {@code drivers} supplies at {@link #start} (the server closes it) and a clock
   * for session expiry.
   */
  public RedfishServer(
      RedfishConfig config,
      Authenticator authenticator,
      Supplier<MachineDriver> drivers,
      Clock clock) {
    this.config = config;
    this.authenticator = authenticator;
    this.drivers = drivers;
    this.clock = clock;
    for (int i = 0; i < byClass.length; i++) {
      byClass[i] = new LongAdder();
    }
  }

  /** Binds every listen address; an exception names the address and the reason. */
  public void start() {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("redfish server already started");
      }
      started = true;
      sessions = new Sessions(config.sessionTimeout(), SESSION_LIMIT, clock);
      security = new Security(authenticator, sessions, clock);
      driver = drivers.get();
      router = routes(new Machines(driver));
      try {
        worker =
            Xnio.getInstance(Undertow.class.getClassLoader())
                .createWorker(
                    OptionMap.builder()
                        .set(Options.WORKER_IO_THREADS, 2)
                        .set(Options.WORKER_TASK_CORE_THREADS, 16)
                        .set(Options.WORKER_TASK_MAX_THREADS, 16)
                        .set(Options.TCP_NODELAY, true)
                        .getMap());
      } catch (IOException e) {
        throw new IllegalStateException("redfish: cannot start the worker pool: " + e, e);
      }
      HttpHandler root = new BlockingHandler(this::handle);
      for (InetSocketAddress a : config.listen()) {
        Undertow.Builder b = Undertow.builder().setWorker(worker).setHandler(root);
        String host = a.getAddress().getHostAddress();
        if (config.tls().isPresent()) {
          b.addHttpsListener(a.getPort(), host, config.tls().get());
        } else {
          b.addHttpListener(a.getPort(), host);
        }
        Undertow u = b.build();
        try {
          u.start();
        } catch (RuntimeException e) {
          close();
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          throw new IllegalStateException(
              "redfish: cannot listen on " + hostPort(a) + ": " + cause.getMessage(), e);
        }
        servers.add(u);
        bound.add((InetSocketAddress) u.getListenerInfo().get(0).getAddress());
      }
      LOG.info("redfish listening on {} ({})", bound, config.tls().isPresent() ? "https" : "http");
    }
  }

  /** The route table: every URI this service answers, with its method and access. */
  private Router routes(Machines machines) {
    ServiceRootHandler root = new ServiceRootHandler();
    SystemsHandler systems = new SystemsHandler(machines);
    ManagersHandler managers = new ManagersHandler(machines);
    VirtualMediaHandler sysMedia = new VirtualMediaHandler(machines, Parent.SYSTEM);
    VirtualMediaHandler mgrMedia = new VirtualMediaHandler(machines, Parent.MANAGER);
    SessionsHandler login = new SessionsHandler(sessions, security);
    String sys = "/redfish/v1/Systems/{system}";
    String mgr = "/redfish/v1/Managers/{manager}";
    String sm = sys + "/VirtualMedia/{media}/Actions/VirtualMedia.";
    String mm = mgr + "/VirtualMedia/{media}/Actions/VirtualMedia.";
    Router.Access pub = Router.Access.PUBLIC;
    Router.Access auth = Router.Access.AUTHENTICATED;
    return new Router()
        .add("GET", "/redfish", pub, root::versions)
        .add("GET", "/redfish/v1", pub, root::root)
        // systems
        .add("GET", "/redfish/v1/Systems", auth, systems::collection)
        .add("GET", sys, auth, systems::get)
        .add("PATCH", sys, auth, systems::patch)
        .add("POST", sys + "/Actions/ComputerSystem.Reset", auth, systems::reset)
        .add("GET", sys + "/SecureBoot", auth, systems::secureBoot)
        .add("PATCH", sys + "/SecureBoot", auth, systems::patchSecureBoot)
        .add("GET", sys + "/VirtualMedia", auth, sysMedia::collection)
        .add("GET", sys + "/VirtualMedia/{media}", auth, sysMedia::get)
        .add("POST", sm + "InsertMedia", auth, sysMedia::insert)
        .add("POST", sm + "EjectMedia", auth, sysMedia::eject)
        // managers
        .add("GET", "/redfish/v1/Managers", auth, managers::collection)
        .add("GET", mgr, auth, managers::get)
        .add("GET", mgr + "/VirtualMedia", auth, mgrMedia::collection)
        .add("GET", mgr + "/VirtualMedia/{media}", auth, mgrMedia::get)
        .add("POST", mm + "InsertMedia", auth, mgrMedia::insert)
        .add("POST", mm + "EjectMedia", auth, mgrMedia::eject)
        // sessions
        .add("GET", Paths.SESSION_SERVICE, auth, login::service)
        .add("GET", Paths.SESSIONS, auth, login::collection)
        .add("POST", Paths.SESSIONS, pub, login::create)
        .add("GET", Paths.SESSIONS + "/{session}", auth, login::get)
        .add("DELETE", Paths.SESSIONS + "/{session}", auth, login::delete);
  }

  /** The bound addresses (real ports when the config said 0). */
  public List<InetSocketAddress> addresses() {
    synchronized (lock) {
      return started && !closed ? List.copyOf(bound) : config.listen();
    }
  }

  /** The machine backend once started (the driver the Redfish resources call), else empty. */
  public Optional<MachineDriver> driver() {
    synchronized (lock) {
      return started && !closed ? Optional.ofNullable(driver) : Optional.empty();
    }
  }

  /** Requests by status class, authentication failures and sessions. */
  public Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int c = 1; c <= 5; c++) {
      m.put("requests_" + c + "xx", byClass[c].sum());
    }
    Security s = security;
    Sessions ss = sessions;
    m.put("auth_failures", s == null ? 0 : s.failures());
    m.put("auth_cache_hits", s == null ? 0 : s.cacheHits());
    m.put("sessions_active", ss == null ? 0 : (long) ss.size());
    m.put("sessions_created", ss == null ? 0 : ss.created());
    return m;
  }

  private void handle(HttpServerExchange ex) {
    Reply reply;
    String method = ex.getRequestMethod().toString();
    String ifNoneMatch = ex.getRequestHeaders().getFirst("If-None-Match");
    try {
      reply = dispatch(ex, method);
    } catch (RedfishException e) {
      reply = ErrorRenderer.render(e);
    } catch (UnsupportedFeatureException e) {
      reply =
          ErrorRenderer.render(
              new RedfishException(
                  RedfishError.FEATURE_NOT_SUPPORTED, e.driver(), e.feature().description()));
    } catch (NoSuchMachineException e) {
      reply =
          ErrorRenderer.render(
              new RedfishException(RedfishError.RESOURCE_NOT_FOUND, "ComputerSystem", e.machine()));
    } catch (RuntimeException | IOException e) {
      LOG.warn("redfish: {} {} failed", method, ex.getRequestPath(), e);
      reply = ErrorRenderer.render(new RedfishException(RedfishError.INTERNAL_ERROR));
    }
    write(ex, method, reply, Optional.ofNullable(ifNoneMatch));
  }

  private Reply dispatch(HttpServerExchange ex, String method) throws IOException {
    String path = ex.getRequestPath();
    Router.Match m = router.match(method, path);
    if (m instanceof Router.NotFound) {
      throw new RedfishException(RedfishError.RESOURCE_MISSING_AT_URI, path);
    }
    if (m instanceof Router.WrongMethod w) {
      return ErrorRenderer.render(
              new RedfishException(RedfishError.OPERATION_NOT_ALLOWED, method, path))
          .with("Allow", String.join(", ", w.allow()));
    }
    Router.Found found = (Router.Found) m;
    Map<String, String> headers = new HashMap<>();
    for (HeaderValues hv : ex.getRequestHeaders()) {
      String name = hv.getHeaderName().toString().toLowerCase(java.util.Locale.ROOT);
      if (HEADERS_READ.contains(name)) {
        headers.put(name, hv.getFirst());
      }
    }
    byte[] body = ex.getInputStream().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      throw new RedfishException(
          RedfishError.MALFORMED_JSON, "the body is larger than " + MAX_BODY + " bytes");
    }
    String type = headers.getOrDefault("content-type", "application/json");
    if (body.length > 0 && !type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
      throw new RedfishException(RedfishError.UNSUPPORTED_MEDIA_TYPE, type);
    }
    Call anonymous = new Call(method, path, found.params(), headers, body, Optional.empty());
    Call call =
        found.route().access() == Router.Access.PUBLIC
            ? anonymous
            : new Call(
                method,
                path,
                found.params(),
                headers,
                body,
                Optional.of(security.authenticate(anonymous)));
    return found.route().handler().handle(call);
  }

  /**
   * Serialises once; a single resource's 200 gets its ETag from those bytes, and a GET whose
   * If-None-Match names it gets 304.
   */
  private void write(HttpServerExchange ex, String method, Reply r, Optional<String> ifNoneMatch) {
    byte[] bytes = r.body().map(Json::bytes).orElse(null);
    if (bytes != null && r.resource() && r.status() == 200) {
      String etag = Etags.of(bytes);
      boolean read = method.equals("GET") || method.equals("HEAD");
      if (read && ifNoneMatch.isPresent() && Etags.matches(ifNoneMatch.get(), etag)) {
        r = new Reply(304, Optional.empty(), Map.of(), false);
        bytes = null;
      }
      r = r.with("ETag", etag);
    }
    byClass[Math.min(5, Math.max(1, r.status() / 100))].increment();
    ex.setStatusCode(r.status());
    var h = ex.getResponseHeaders();
    h.put(HttpString.tryFromString("OData-Version"), "4.0");
    h.put(HttpString.tryFromString("Cache-Control"), "no-cache");
    if (!ex.isPersistent()) {
      // Undertow leaves this out of bodiless replies; clients (python's http.client) then reuse
      // a connection the server is about to close.
      h.put(HttpString.tryFromString("Connection"), "close");
    }
    if (r.status() == 401) {
      h.put(HttpString.tryFromString("WWW-Authenticate"), "Basic realm=\"airgap redfish\"");
    }
    r.headers().forEach((k, v) -> h.put(HttpString.tryFromString(k), v));
    if (bytes == null) {
      ex.endExchange();
      return;
    }
    h.put(HttpString.tryFromString("Content-Type"), "application/json; charset=utf-8");
    h.put(HttpString.tryFromString("Content-Length"), Long.toString(bytes.length));
    if (method.equals("HEAD")) {
      ex.endExchange();
      return;
    }
    ex.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  /** Stops every listener and the worker pool; idempotent, never throws. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Undertow u : servers) {
        try {
          u.stop();
        } catch (RuntimeException e) {
          LOG.warn("redfish: stopping a listener failed", e);
        }
      }
      servers.clear();
      if (driver != null) {
        try {
          driver.close();
        } catch (RuntimeException e) {
          LOG.warn("redfish: closing the {} backend failed", driver.name(), e);
        }
      }
      if (worker != null) {
        worker.shutdownNow();
      }
    }
  }

  private static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }
}
