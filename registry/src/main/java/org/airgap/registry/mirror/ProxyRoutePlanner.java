package org.airgap.registry.mirror;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/** Routes through the proxy that {@link EnvProxy} names for the target, else directly. */
final class ProxyRoutePlanner extends DefaultRoutePlanner {
  private final EnvProxy proxy;

  ProxyRoutePlanner(EnvProxy proxy) {
    super(DefaultSchemePortResolver.INSTANCE);
    this.proxy = proxy;
  }

  @Override
  protected HttpHost determineProxy(HttpHost target, HttpContext context) {
    Optional<InetSocketAddress> p =
        proxy.proxyFor(
            URI.create(
                target.getSchemeName() + "://" + target.getHostName() + ":" + target.getPort()));
    return p.map(a -> new HttpHost("http", a.getHostString(), a.getPort())).orElse(null);
  }
}
