package org.airgap.appliance.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.Version;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.services.ApplianceContext;
import org.airgap.appliance.services.ManagedService;

/**
 * The admin listener (127.0.0.1:9180 by default): {@code /healthz} (process up), {@code /readyz}
 * (every enabled service running), {@code /metrics} (Prometheus text) and {@code /api/status}
 * (JSON: each service, its state, addresses and URLs).
 */
public final class AdminServer implements ManagedService {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ApplianceContext ctx;
  private final Appliance appliance;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private Undertow server;

  public AdminServer(ApplianceContext ctx, Appliance appliance) {
    this.ctx = ctx;
    this.appliance = appliance;
  }

  @Override
  public String name() {
    return "admin";
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

    PathHandler routes =
        new PathHandler()
            .addExactPath("/healthz", get(this::healthz))
            .addExactPath("/readyz", get(this::readyz))
            .addExactPath("/metrics", get(this::metrics))
            .addExactPath("/api/status", get(this::status));
    Undertow.Builder b = Undertow.builder().setIoThreads(1).setWorkerThreads(4).setHandler(routes);
    for (ListenAddress l : ctx.config().admin().listen()) {
      b.addHttpListener(l.port(), l.host().getHostAddress());
    }
    Undertow u = b.build();
    try {
      u.start();
    } catch (RuntimeException e) {
      u.stop();
      throw new IllegalStateException(
          "cannot listen on " + ctx.config().admin().listen() + ": " + rootMessage(e), e);
    }
    server = u;
    for (Undertow.ListenerInfo li : u.getListenerInfo()) {
      bound.add((InetSocketAddress) li.getAddress());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  private static HttpHandler get(HttpHandler h) {
    return ex -> {
      if (!ex.getRequestMethod().equals(Methods.GET)
          && !ex.getRequestMethod().equals(Methods.HEAD)) {
        ex.setStatusCode(405);
        ex.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
        ex.endExchange();
        return;
      }
      h.handleRequest(ex);
    };
  }

  private void healthz(HttpServerExchange ex) {
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    ex.getResponseSender().send("ok\n");
  }

  private void readyz(HttpServerExchange ex) {
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    StringBuilder sb = new StringBuilder();
    for (ManagedService s : appliance.services()) {
      sb.append(s.name())
          .append(' ')
          .append(appliance.state(s.name()).name().toLowerCase())
          .append('\n');
    }
    ex.setStatusCode(appliance.ready() ? 200 : 503);
    ex.getResponseSender().send(sb.toString());
  }

  private void metrics(HttpServerExchange ex) {
    registerServiceCounters();
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    ex.getResponseSender().send(metrics.scrape());
  }

  /** Each service's counters become {@code airgap_<service>_<name>_total}, registered lazily. */
  private void registerServiceCounters() {
    for (ManagedService s : appliance.services()) {
      for (String key : s.counters().keySet()) {
        String id = s.name() + "." + key;
        if (registered.add(id)) {
          FunctionCounter.builder(
                  "airgap." + id, s, svc -> svc.counters().getOrDefault(key, 0L).doubleValue())
              .register(metrics);
        }
      }
    }
  }

  private void status(HttpServerExchange ex) throws Exception {
    if (ex.isInIoThread()) {
      ex.dispatch(this::status);
      return;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", Version.current());
    out.put("started", appliance.created().toString());
    out.put("uptimeSeconds", Duration.between(appliance.created(), Instant.now()).toSeconds());
    out.put("ready", appliance.ready());
    out.put("dataDir", ctx.dataDir().toAbsolutePath().toString());
    out.put(
        "site",
        Map.of(
            "domain", ctx.config().site().domain(),
            "hostname", ctx.config().site().hostname(),
            "addresses", ctx.config().site().addresses()));
    out.put(
        "ca",
        Map.of(
            "file", ctx.pki().caFile().toAbsolutePath().toString(),
            "sha256", ctx.pki().caFingerprint()));
    List<Map<String, Object>> services = new ArrayList<>();
    for (ManagedService s : appliance.services()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("state", appliance.state(s.name()).name().toLowerCase());
      boolean running =
          appliance.state(s.name()) == org.airgap.appliance.services.ServiceState.RUNNING;
      m.put(
          "addresses",
          running ? s.addresses().stream().map(AdminServer::text).toList() : List.of());
      m.put("urls", running ? s.urls() : List.of());
      m.put("counters", s.counters());
      String err = appliance.error(s.name());
      if (!err.isEmpty()) {
        m.put("error", err);
      }
      services.add(m);
    }
    out.put("services", services);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    ex.getResponseSender().send(JSON.writeValueAsString(out));
  }

  private static String text(InetSocketAddress a) {
    return org.airgap.appliance.config.Addresses.hostPort(
        org.airgap.appliance.config.Addresses.text(a.getAddress()), a.getPort());
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return List.copyOf(bound);
  }

  @Override
  public List<String> urls() {
    return addresses().stream().map(a -> "http://" + text(a) + "/").toList();
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
