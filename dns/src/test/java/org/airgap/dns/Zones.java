package org.airgap.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.airgap.dns.dnsmasq.DnsmasqConfig;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.airgap.dns.dnsmasq.Setting;

/** Test fixtures: the reference procedure's dnsmasq file as a DnsConfig. */
final class Zones {
  private Zones() {}

  static Path resource(String name) {
    try {
      return Path.of(Zones.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static DnsmasqConfig hubDual() {
    return new DnsmasqParser(Path.of("/nonexistent/hosts"), Path.of("/nonexistent/resolv.conf"))
        .parse(List.of(resource("hub-dual.conf")));
  }

  static DnsConfig hubDualConfig(List<java.net.InetSocketAddress> listen) {
    DnsmasqConfig d = hubDual();
    return DnsConfig.of(listen, "dns.base.domain.name")
        .withZones(d.zones())
        .withRecords(d.records())
        .withUpstreams(d.upstreams().stream().map(Setting::value).toList())
        .withNameserver("registry.dns.base.domain.name");
  }

  static QueryEngine engine(DnsConfig c, Counters counters) {
    return new QueryEngine(
        counters,
        QueryEngine.Snapshot.of(Authority.build(c, List.of(), w -> {}), Optional.empty()));
  }

  static ByteBuf wire(byte[] b) {
    return Unpooled.wrappedBuffer(b);
  }
}
