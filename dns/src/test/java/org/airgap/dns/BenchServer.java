package org.airgap.dns;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.airgap.dns.dnsmasq.DnsmasqConfig;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.airgap.dns.dnsmasq.Setting;

/**
 * Serves a dnsmasq-syntax file on 127.0.0.1:PORT for bench/dns/run (until killed). Usage: {@code
 * BenchServer FILE PORT DOMAIN}.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    DnsmasqConfig d =
        new DnsmasqParser(Path.of("/nonexistent"), Path.of("/nonexistent"))
            .parse(List.of(Path.of(args[0])));
    d.warnings().forEach(w -> System.err.println("warning: " + w));
    DnsConfig c =
        DnsConfig.of(
                List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]))), args[2])
            .withZones(d.zones())
            .withRecords(d.records())
            .withUpstreams(d.upstreams().stream().map(Setting::value).toList());
    DnsServer s = new DnsServer(c);
    s.start();
    System.out.println("ready " + s.addresses());
    Thread.currentThread().join();
  }
}
