package org.airgap.appliance.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigException;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** DNS wiring: YAML and dnsmasq lines merged, loops refused, file changes applied live. */
class DnsUnitTest {
  @TempDir Path dir;

  private DnsUnit.DnsParser parser() {
    return new DnsmasqParser(dir.resolve("hosts"), dir.resolve("resolv.conf"))::parse;
  }

  private AirgapConfig config(String yaml) {
    return ConfigLoader.parse(yaml, "test.yaml");
  }

  @Test
  void upstreamThatIsOurOwnListenAddressIsAConfigError() {
    AirgapConfig c =
        config("dns:\n  listen: ['127.0.0.1:1053']\n  upstreams: ['8.8.8.8', '127.0.0.1#1053']\n");
    assertThatThrownBy(() -> DnsUnit.build(c, parser()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dns.upstreams[1]")
        .hasMessageContaining("loop");
  }

  @Test
  void resolvConfPointingBackAtUsIsSkippedAndServerLineLoopIsRefused() throws Exception {
    Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\nnameserver 192.0.2.53\n");
    // dnsmasq's port is 53 unless port= says otherwise.
    Path conf = Files.writeString(dir.resolve("a.conf"), "listen-address=127.0.0.1\n");
    DnsUnit.Built b = DnsUnit.build(config("dnsmasq:\n  conf-files: ['" + conf + "']\n"), parser());
    assertThat(b.config().listen()).containsExactly(new InetSocketAddress("127.0.0.1", 53));
    assertThat(b.config().upstreams())
        .singleElement()
        .satisfies(u -> assertThat(u.address().getPort()).isEqualTo(53));
    assertThat(b.notes()).anyMatch(n -> n.contains("nameserver 127.0.0.1 is airgap itself"));

    Files.writeString(
        conf, "no-resolv\nport=1053\nlisten-address=127.0.0.1\nserver=127.0.0.1#1053\n");
    assertThatThrownBy(
            () -> DnsUnit.build(config("dnsmasq:\n  conf-files: ['" + conf + "']\n"), parser()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(conf + ":4");
  }

  @Test
  void yamlWinsAndTheDnsmasqLineIsReportedAsOverridden() throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("a.conf"), "no-resolv\nport=5353\nlocal-ttl=0\nbogus-option=1\n");
    DnsUnit.Built b =
        DnsUnit.build(
            config(
                "dns:\n  listen: ['127.0.0.1:0']\n  ttl: 60\ndnsmasq:\n  conf-files: ['"
                    + conf
                    + "']\n"),
            parser());
    assertThat(b.config().listen()).containsExactly(new InetSocketAddress("127.0.0.1", 0));
    assertThat(b.config().ttl()).isEqualTo(60);
    assertThat(b.notes())
        .contains(
            conf + ":2: overridden by dns.listen in the YAML",
            conf + ":3: overridden by dns.ttl in the YAML",
            conf + ":4: unsupported option 'bogus-option'; line ignored");
  }

  @Test
  void servesYamlDnsmasqAndSiteRecordsAndReloadsWhenTheFileChanges() throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("a.conf"), "no-resolv\nhost-record=api.hub.lab.example,192.168.126.10\n");
    AirgapConfig c =
        config(
            "site:\n  domain: lab.example\n  addresses: ['192.168.126.1']\n"
                + "  hostnames: ['registry.lab.example']\n"
                + "dns:\n  listen: ['127.0.0.1:0']\n  hosts:\n    '*.apps.hub.lab.example': ['192.168.126.11']\n"
                + "dnsmasq:\n  conf-files: ['"
                + conf
                + "']\n");
    try (DnsUnit unit =
        new DnsUnit(
            new ApplianceContext(c, null, null, null, new org.airgap.dns.MutableRecordSource()),
            parser())) {
      unit.start();
      SimpleResolver r = new SimpleResolver(unit.addresses().get(0));
      r.setTimeout(Duration.ofSeconds(2));
      assertThat(a(r, "registry.lab.example")).containsExactly("192.168.126.1");
      assertThat(a(r, "api.hub.lab.example")).containsExactly("192.168.126.10");
      assertThat(a(r, "x.apps.hub.lab.example")).containsExactly("192.168.126.11");
      assertThat(a(r, "new.lab.example")).isEmpty();

      Files.writeString(
          conf,
          "no-resolv\nhost-record=api.hub.lab.example,192.168.126.10\n"
              + "host-record=new.lab.example,192.168.126.30\n");
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (a(r, "new.lab.example").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(a(r, "new.lab.example")).containsExactly("192.168.126.30");
      assertThat(unit.counters()).containsEntry("reloads", 1L);
    }
  }

  private static List<String> a(SimpleResolver r, String name) throws Exception {
    Message m =
        r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN)));
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }
}
