package org.airgap.registry.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.api.RegistryException;
import org.airgap.registry.auth.Htpasswd;
import org.airgap.registry.http.Routes.Access;
import org.airgap.registry.http.Routes.Route;
import org.airgap.registry.storage.StorageHealth;
import org.airgap.registry.storage.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root handler: leaves the IO thread, matches the route table, checks Basic credentials, calls
 * the route's handler, renders its errors, and writes one access-log line per request (logger
 * {@code org.airgap.registry.access}: client, user, method, path, status, bytes in, bytes out,
 * milliseconds).
 */
public final class RegistryHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("org.airgap.registry.access");
  static final AttachmentKey<LongAdder> BYTES_IN = AttachmentKey.create(LongAdder.class);
  private static final AttachmentKey<String> USER = AttachmentKey.create(String.class);
  private static final HttpString API_VERSION = new HttpString("Docker-Distribution-API-Version");

  private final List<Route> routes;
  private final Htpasswd users;
  private final boolean anonymousPull;
  private final ErrorRenderer errors;
  private final RegistryCounters counters;
  private final StorageHealth storage;

  public RegistryHandler(
      List<Route> routes,
      Htpasswd users,
      boolean anonymousPull,
      ErrorRenderer errors,
      RegistryCounters counters,
      StorageHealth storage) {
    this.routes = List.copyOf(routes);
    this.users = users;
    this.anonymousPull = anonymousPull;
    this.errors = errors;
    this.counters = counters;
    this.storage = storage;
  }

  /** With storage that is always there (local files). */
  public RegistryHandler(
      List<Route> routes,
      Htpasswd users,
      boolean anonymousPull,
      ErrorRenderer errors,
      RegistryCounters counters) {
    this(routes, users, anonymousPull, errors, counters, StorageHealth.ALWAYS);
  }

  @Override
  public void handleRequest(HttpServerExchange ex) {
    if (ex.isInIoThread()) {
      long start = System.nanoTime();
      ex.putAttachment(BYTES_IN, new LongAdder());
      ex.addExchangeCompleteListener(
          (done, next) -> {
            try {
              logged(done, start);
            } finally {
              next.proceed();
            }
          });
      ex.dispatch(this);
      return;
    }
    try {
      ex.getResponseHeaders().put(API_VERSION, "registry/2.0");
      serve(ex);
    } catch (RegistryException e) {
      errors.render(ex, e);
    } catch (StorageUnavailableException e) {
      if (ex.isResponseStarted() || !ex.getConnection().isOpen()) {
        LOG.debug("storage failed during {} {}: {}", ex.getRequestMethod(), ex.getRequestPath(), e);
        org.xnio.IoUtils.safeClose(ex.getConnection());
      } else {
        errors.render(ex, unavailable(e.getMessage()));
      }
    } catch (IOException e) {
      // the client went away or the disk failed mid-request
      if (ex.isResponseStarted() || !ex.getConnection().isOpen()) {
        LOG.debug(
            "I/O error on {} {}: {}", ex.getRequestMethod(), ex.getRequestPath(), e.toString());
        org.xnio.IoUtils.safeClose(ex.getConnection());
      } else if (isDiskFull(e)) {
        LOG.warn(
            "disk full on {} {}: {}", ex.getRequestMethod(), ex.getRequestPath(), e.toString());
        errors.render(
            ex,
            ErrorCode.UNAVAILABLE
                .withMessage("insufficient storage: no space left on the registry's disk")
                .withStatus(507));
      } else {
        LOG.warn("I/O error on {} {}", ex.getRequestMethod(), ex.getRequestPath(), e);
        errors.render(ex, ErrorCode.UNKNOWN.withMessage("I/O error: " + e.getMessage()));
      }
    } catch (Exception e) {
      LOG.error("failed {} {}", ex.getRequestMethod(), ex.getRequestPath(), e);
      errors.render(ex, ErrorCode.UNKNOWN.withMessage("internal error"));
    }
  }

  /** 503 UNAVAILABLE with a Retry-After: the storage (an S3 endpoint) does not answer. */
  private static RegistryException unavailable(String why) {
    return ErrorCode.UNAVAILABLE
        .withMessage("registry storage unavailable: " + why)
        .withHeaders(java.util.Map.of("Retry-After", "5"));
  }

  /** ENOSPC (or EDQUOT) anywhere in the cause chain. */
  static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null
          && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  private void serve(HttpServerExchange ex) throws Exception {
    Optional<RoutePath> parsed = RoutePath.parse(ex.getRequestPath());
    if (parsed.isEmpty()) {
      throw ErrorCode.NOT_FOUND.withMessage("no such endpoint: " + ex.getRequestPath());
    }
    RoutePath path = parsed.get();
    HttpString method = ex.getRequestMethod();
    Route route = null;
    for (Route r : routes) {
      if (r.kind() == path.kind() && r.method().equals(method)) {
        route = r;
        break;
      }
    }
    if (route == null) {
      String allow =
          routes.stream()
              .filter(r -> r.kind() == path.kind())
              .map(r -> r.method().toString())
              .distinct()
              .collect(Collectors.joining(", "));
      throw ErrorCode.UNSUPPORTED
          .withMessage(method + " is not supported on " + ex.getRequestPath())
          .withHeaders(java.util.Map.of("Allow", allow));
    }
    String user = authenticate(ex, route.access());
    ex.putAttachment(USER, user);
    Optional<String> down = storage.problem();
    if (down.isPresent()) {
      throw unavailable(down.get());
    }
    route.handler().handle(new Call(ex, path, user));
  }

  /** The user name, {@code -} for an allowed anonymous pull; throws UNAUTHORIZED otherwise. */
  private String authenticate(HttpServerExchange ex, Access access) {
    String header = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (header == null) {
      if (access == Access.PULL && anonymousPull) {
        return "-";
      }
      throw ErrorCode.UNAUTHORIZED.exception();
    }
    Optional<String[]> creds = basic(header);
    if (creds.isPresent() && users.check(creds.get()[0], creds.get()[1])) {
      return creds.get()[0];
    }
    counters.authFailures.increment();
    throw ErrorCode.UNAUTHORIZED.withMessage("invalid credentials");
  }

  /** {@code [user, password]} of a Basic header, if it is one. */
  static Optional<String[]> basic(String header) {
    if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon <= 0
          ? Optional.empty()
          : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private void logged(HttpServerExchange ex, long startNanos) {
    long in = Optional.ofNullable(ex.getAttachment(BYTES_IN)).map(LongAdder::sum).orElse(0L);
    long out = ex.getResponseBytesSent();
    int status = ex.getStatusCode();
    counters.requests.increment();
    counters.bytesIn.add(in);
    counters.bytesOut.add(out);
    if (status >= 500) {
      counters.serverErrors.increment();
    } else if (status >= 400) {
      counters.clientErrors.increment();
    }
    if (ACCESS.isInfoEnabled()) {
      String q = ex.getQueryString();
      ACCESS.info(
          "{} {} \"{} {}\" {} {} {} {}ms",
          ex.getSourceAddress() == null ? "-" : ex.getSourceAddress().getAddress().getHostAddress(),
          Optional.ofNullable(ex.getAttachment(USER)).orElse("-"),
          ex.getRequestMethod(),
          q == null || q.isEmpty() ? ex.getRequestPath() : ex.getRequestPath() + "?" + q,
          status,
          in,
          out,
          (System.nanoTime() - startNanos) / 1_000_000);
    }
  }
}
