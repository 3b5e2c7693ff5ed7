package org.airgap.registry.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Deque;
import java.util.Optional;
import org.airgap.registry.api.RepoName;

/** One request as a route handler sees it: the exchange, the parsed path and who asked. */
public final class Call {
  private final HttpServerExchange exchange;
  private final RoutePath path;
  private final String user;

  Call(HttpServerExchange exchange, RoutePath path, String user) {
    this.exchange = exchange;
    this.path = path;
    this.user = user;
  }

  public HttpServerExchange exchange() {
    return exchange;
  }

  /** The repository (every route group but base and catalog has one). */
  public RepoName name() {
    return path.name().orElseThrow(() -> new IllegalStateException("route without a name"));
  }

  /** The last path segment: digest, reference or upload id. */
  public String ref() {
    return path.ref();
  }

  /** The authenticated user, or {@code -} for an anonymous pull. */
  public String user() {
    return user;
  }

  public Optional<String> query(String name) {
    Deque<String> d = exchange.getQueryParameters().get(name);
    return d == null || d.isEmpty() ? Optional.empty() : Optional.of(d.getFirst());
  }

  public Optional<String> header(HttpString name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  public boolean isHead() {
    return exchange.getRequestMethod().equalToString("HEAD");
  }

  /** {@code scheme://host:port} as the client addressed us (for Location headers). */
  public String base() {
    return exchange.getRequestScheme() + "://" + exchange.getHostAndPort();
  }
}
