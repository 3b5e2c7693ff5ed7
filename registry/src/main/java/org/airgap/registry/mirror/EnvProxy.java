package org.airgap.registry.mirror;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy settings container tools read from the environment: {@code HTTPS_PROXY} for https URLs,
 * {@code HTTP_PROXY} for http ones (lower-case names too), and {@code NO_PROXY}: a comma list of
 * host names, domain suffixes ({@code .example.com} or {@code example.com} match subdomains), IP
 * literals, {@code host:port}, or {@code *}.
 */
public record EnvProxy(Optional<URI> https, Optional<URI> http, List<String> noProxy) {
  public EnvProxy {
    noProxy = List.copyOf(noProxy);
  }

  public static EnvProxy none() {
    return new EnvProxy(Optional.empty(), Optional.empty(), List.of());
  }

  public static EnvProxy fromEnvironment(Map<String, String> env) {
    return new EnvProxy(
        var(env, "HTTPS_PROXY").map(EnvProxy::uri),
        var(env, "HTTP_PROXY").map(EnvProxy::uri),
        var(env, "NO_PROXY").stream()
            .flatMap(v -> java.util.Arrays.stream(v.split(",")))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(s -> s.toLowerCase(Locale.ROOT))
            .toList());
  }

  private static Optional<String> var(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      v = env.get(name.toLowerCase(Locale.ROOT));
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static URI uri(String v) {
    return URI.create(v.contains("://") ? v : "http://" + v);
  }

  /** The proxy for a URL, if one applies. */
  public Optional<InetSocketAddress> proxyFor(URI target) {
    Optional<URI> p = "https".equals(target.getScheme()) ? https : http;
    if (p.isEmpty() || bypass(target.getHost(), target.getPort())) {
      return Optional.empty();
    }
    URI u = p.get();
    return Optional.of(
        InetSocketAddress.createUnresolved(u.getHost(), u.getPort() < 0 ? 80 : u.getPort()));
  }

  boolean bypass(String rawHost, int port) {
    String host = rawHost.toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    for (String n : noProxy) {
      if (n.equals("*")) {
        return true;
      }
      String entry = n;
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && !entry.contains("]") && entry.indexOf(':') == colon) {
        if (!entry.substring(colon + 1).equals(Integer.toString(port))) {
          continue;
        }
        entry = entry.substring(0, colon);
      }
      String suffix = entry.startsWith(".") ? entry : "." + entry;
      if (host.equals(entry.startsWith(".") ? entry.substring(1) : entry)
          || host.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }
}
