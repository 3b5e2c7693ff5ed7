package org.airgap.dns.dnsmasq;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.airgap.dns.DnsRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsmasqParserTest {
  @TempDir Path dir;

  private DnsmasqConfig parse(String text) throws Exception {
    Path f = Files.writeString(dir.resolve("main.conf"), text);
    return new DnsmasqParser(dir.resolve("hosts"), dir.resolve("resolv.conf")).parse(List.of(f));
  }

  @Test
  void routesDnsAndDhcpLinesOfTheReferenceProcedure() throws Exception {
    DnsmasqConfig c =
        parse(
            "host-record=api.hub-dual.dns.base.domain.name,192.168.126.10\n"
                + "address=/apps.hub-dual.dns.base.domain.name/2620:52:0:1306::3\n"
                + "dhcp-host=aa:aa:aa:aa:10:01,ocp-master-0,192.168.126.20\n"
                + "dhcp-host=aa:aa:aa:aa:10:01,ocp-master-0,[2620:52:0:1306::5]\n"
                + "dhcp-range=set:lab,192.168.126.120,192.168.126.250,255.255.255.0,12h\n"
                + "dhcp-range=tag:lab,2620:52:0:1306::100,2620:52:0:1306::1ff,64,12h\n"
                + "dhcp-option=tag:lab,option:router,192.168.126.1\n"
                + "domain=dns.base.domain.name\n"
                + "enable-ra\n");
    InetAddress v6 = InetAddress.getByName("2620:52:0:1306::3");
    assertThat(c.records())
        .containsExactly(
            new DnsRecord.Host(
                "api.hub-dual.dns.base.domain.name",
                List.of(InetAddress.getByName("192.168.126.10"))),
            new DnsRecord.Host("apps.hub-dual.dns.base.domain.name", List.of(v6), false),
            new DnsRecord.Host("*.apps.hub-dual.dns.base.domain.name", List.of(v6), false));
    assertThat(c.zones()).containsExactly("dns.base.domain.name");
    assertThat(c.dhcpDomain()).contains("dns.base.domain.name");
    assertThat(c.dhcp()).hasSize(6);
    DhcpLine.Host h = (DhcpLine.Host) c.dhcp().get(0);
    assertThat(h.macs()).containsExactly("aa:aa:aa:aa:10:01");
    assertThat(h.hostname()).contains("ocp-master-0");
    assertThat(h.addresses()).containsExactly(InetAddress.getByName("192.168.126.20"));
    assertThat(((DhcpLine.Host) c.dhcp().get(1)).addresses())
        .containsExactly(InetAddress.getByName("2620:52:0:1306::5"));
    DhcpLine.Range r4 = (DhcpLine.Range) c.dhcp().get(2);
    assertThat(r4.sets()).containsExactly("lab");
    assertThat(r4.end()).contains(InetAddress.getByName("192.168.126.250"));
    assertThat(r4.netmask()).contains(InetAddress.getByName("255.255.255.0"));
    assertThat(r4.leaseTime()).contains("12h");
    DhcpLine.Range r6 = (DhcpLine.Range) c.dhcp().get(3);
    assertThat(r6.tags()).containsExactly("lab");
    assertThat(r6.prefixLength()).contains(64);
    DhcpLine.Option o = (DhcpLine.Option) c.dhcp().get(4);
    assertThat(o.tags()).containsExactly("lab");
    assertThat(o.option()).isEqualTo("option:router");
    assertThat(o.value()).isEqualTo("192.168.126.1");
    assertThat(c.dhcp().get(5))
        .isEqualTo(new DhcpLine.Other(new Source(dir.resolve("main.conf"), 9), "enable-ra", ""));
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void warnsWithFileAndLineAndKeepsGoing() throws Exception {
    DnsmasqConfig c =
        parse(
            "# comment\n"
                + "dnssec\n"
                + "host-record=ok.lab,10.0.0.1\n"
                + "host-record=,\n"
                + "server=not-an-ip\n"
                + "port=99999\n");
    Path f = dir.resolve("main.conf");
    assertThat(c.warnings())
        .extracting(Warning::source)
        .containsExactly(new Source(f, 2), new Source(f, 4), new Source(f, 5), new Source(f, 6));
    assertThat(c.warnings().get(0).toString())
        .isEqualTo(f + ":2: unsupported option 'dnssec'; line ignored");
    assertThat(c.records()).hasSize(1);
  }

  @Test
  void includesConfFilesConfDirsAndHostsFiles() throws Exception {
    Path d = Files.createDirectory(dir.resolve("d"));
    Files.writeString(d.resolve("a.conf"), "cname=www.lab,ok.lab\n");
    Files.writeString(d.resolve("b.bak"), "cname=no.lab,ok.lab\n");
    Files.writeString(dir.resolve("extra.conf"), "server=/corp.example/10.1.1.1#5353\n");
    Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
    Files.writeString(dir.resolve("more-hosts"), "10.0.0.7 nas nas-alias # storage\n");
    DnsmasqConfig c =
        parse(
            "conf-dir="
                + d
                + ",*.conf\n"
                + "conf-file="
                + dir.resolve("extra.conf")
                + "\n"
                + "addn-hosts="
                + dir.resolve("more-hosts")
                + "\n"
                + "domain=lab\nexpand-hosts\nno-hosts\nno-resolv\nlisten-address=127.0.0.1,::1\nport=1053\n");
    assertThat(c.records())
        .contains(new DnsRecord.Cname("www.lab", "ok.lab"))
        .doesNotContain(new DnsRecord.Cname("no.lab", "ok.lab"))
        .contains(new DnsRecord.Host("nas.lab", List.of(InetAddress.getByName("10.0.0.7"))))
        .noneMatch(r -> r.name().equals("localhost"));
    assertThat(c.upstreams())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.value().domains()).containsExactly("corp.example");
              assertThat(u.value().address().getPort()).isEqualTo(5353);
              assertThat(u.source().file()).isEqualTo(dir.resolve("extra.conf"));
            });
    assertThat(c.resolvFile()).isEmpty();
    assertThat(c.port().map(Setting::value)).contains(1053);
    assertThat(c.listenAddresses())
        .extracting(Setting::value)
        .containsExactly(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
    assertThat(c.warnings()).isEmpty();
  }
}
