package org.airgap.appliance.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigException;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.dhcp.Pool;
import org.airgap.dhcp.StaticHost;
import org.airgap.dhcp.v6.Dhcp6Config;
import org.airgap.dhcp.v6.Range6;
import org.airgap.dns.Network;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DHCP server's config from the YAML and the procedure's dnsmasq lines. */
class DhcpUnitTest {
  @TempDir Path dir;

  AirgapConfig config(String dnsmasq, String dhcpYaml) throws Exception {
    Path conf = dir.resolve("dnsmasq.conf");
    Files.writeString(conf, dnsmasq);
    return ConfigLoader.parse(
        "data-dir: "
            + dir.resolve("var")
            + "\nsite: { domain: site.example }\n"
            + "dnsmasq: { conf-files: ["
            + conf
            + "] }\n"
            + "dhcp:\n"
            + dhcpYaml,
        "t.yaml");
  }

  DhcpUnit.Built build(AirgapConfig c) {
    return DhcpUnit.build(
        c,
        new DnsmasqParser(dir.resolve("none"), dir.resolve("none")).parse(c.dnsmasq().confFiles()));
  }

  @Test
  void yamlAndDnsmasqLinesMerge() throws Exception {
    AirgapConfig c =
        config(
            "domain=lab.example\n"
                + "dhcp-range=192.168.126.100,192.168.126.150,255.255.255.0,12h\n"
                + "dhcp-host=aa:aa:aa:aa:10:01,ocp-master-0,192.168.126.20\n"
                + "dhcp-option=option:ntp-server,192.168.126.1\n"
                + "dhcp-authoritative\n"
                + "dhcp-leasefile=/var/lib/misc/dnsmasq.leases\n",
            "  enabled: true\n"
                + "  interfaces: [eth1]\n"
                + "  ranges: [{start: 10.1.0.10, end: 10.1.0.20, prefix: 24, lease-time: 2h}]\n"
                + "  hosts: [{mac: '52:54:00:00:00:01', address: 10.1.0.5, name: bmc-0}]\n"
                + "  options: {mtu: '9000'}\n"
                + "  ignore-unknown: true\n");
    DhcpUnit.Built b = build(c);
    assertThat(b.config().interfaces()).containsExactly("eth1");
    assertThat(b.config().pools())
        .extracting(Pool::network)
        .containsExactly(Network.parse("10.1.0.0/24"), Network.parse("192.168.126.0/24"));
    assertThat(b.config().pools().get(0).leaseTime()).contains(Duration.ofHours(2));
    assertThat(b.config().hosts())
        .extracting(StaticHost::hostname)
        .extracting(o -> o.orElseThrow())
        .containsExactly("bmc-0", "ocp-master-0");
    assertThat(b.config().options()).extracting(r -> r.value().code()).containsExactly(42, 26);
    assertThat(b.config().authoritative()).isTrue();
    assertThat(b.config().ignore()).containsExactly(List.of("!known"));
    assertThat(b.config().domain()).contains("lab.example");
    assertThat(b.config().leaseFile()).isEqualTo(dir.resolve("var/dhcp/leases4.log"));
    assertThat(b.notes()).anyMatch(n -> n.contains("dhcp-leasefile") && n.contains(":6:"));
  }

  @Test
  void dnsAnswersTheReverseZonesOfTheRanges() throws Exception {
    AirgapConfig c =
        config("dhcp-range=192.168.126.100,192.168.126.150,255.255.255.0\n", "  enabled: true\n");
    DnsUnit.Built dns =
        DnsUnit.build(c, new DnsmasqParser(dir.resolve("none"), dir.resolve("none"))::parse);
    assertThat(dns.config().reverseNetworks()).contains(Network.parse("192.168.126.0/24"));
  }

  @Test
  void badDnsmasqValuesAreConfigErrorsWithTheLine() throws Exception {
    AirgapConfig c = config("\ndhcp-option=option:router,not-an-address\n", "  enabled: true\n");
    assertThatThrownBy(() -> build(c))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dnsmasq.conf:2");
  }

  @Test
  void yamlValuesAreCheckedAtLoad() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "dhcp: {enabled: true, lease-time: soon, ranges: [{start: 10.0.0.1}]}",
                    "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dhcp.lease-time")
        .hasMessageContaining("dhcp.ranges[0]");
  }

  @Test
  void hostsByClientIdentifierFromYamlAndDnsmasq() throws Exception {
    AirgapConfig c =
        config(
            "dhcp-host=id:01:aa:aa:aa:aa:10:02,ocp-master-1,192.168.126.21\n",
            "  enabled: true\n"
                + "  hosts: [{client-id: '01:AA:aa:aa:aa:10:01', address: 10.1.0.6, name: m-0}]\n");
    assertThat(build(c).config().hosts())
        .extracting(StaticHost::clientIds)
        .containsExactly(List.of("01:aa:aa:aa:aa:10:01"), List.of("01:aa:aa:aa:aa:10:02"));
    assertThatThrownBy(() -> ConfigLoader.parse("dhcp: {hosts: [{name: x}]}", "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dhcp.hosts[0]")
        .hasMessageContaining("needs mac or client-id");
  }

  @Test
  void ipv6RangesHostsAndRaLinesMakeDhcp6() throws Exception {
    AirgapConfig c =
        config(
            "domain=lab.example\n"
                + "dhcp-host=aa:aa:aa:aa:10:01,ocp-master-0,192.168.126.20\n"
                + "dhcp-host=aa:aa:aa:aa:10:01,ocp-master-0,[2620:52:0:1306::5]\n"
                + "dhcp-range=2620:52:0:1306::100,2620:52:0:1306::1ff,64,12h\n"
                + "dhcp-range=::100,::1ff,constructor:nosuch0,64\n"
                + "enable-ra\n"
                + "ra-param=eth1,mtu:1500,60,1200\n"
                + "dhcp-option=option6:dns-server,[2620:52:0:1306::1]\n",
            "  enabled: true\n"
                + "  ranges: [{start: 'fd00::100', end: 'fd00::1ff', lease-time: 2h}]\n"
                + "  hosts: [{mac: '52:54:00:00:00:01', address6: 'fd00::5', name: bmc-0}]\n"
                + "  rapid-commit: false\n");
    DhcpUnit.Built b = build(c);
    Dhcp6Config c6 = b.config6().orElseThrow();
    assertThat(c6.ranges())
        .extracting(Range6::network)
        .containsExactly(Network.parse("fd00::/64"), Network.parse("2620:52:0:1306::/64"));
    assertThat(c6.ranges().get(0).leaseTime()).contains(Duration.ofHours(2));
    assertThat(c6.ranges().get(1).leaseTime()).contains(Duration.ofHours(12));
    assertThat(c6.hosts())
        .extracting(
            h -> h.hostname().orElseThrow() + " " + h.address().orElseThrow().getHostAddress())
        .containsExactly("bmc-0 fd00:0:0:0:0:0:0:5", "ocp-master-0 2620:52:0:1306:0:0:0:5");
    assertThat(c6.hosts().get(1).macs()).containsExactly("aa:aa:aa:aa:10:01");
    assertThat(c6.dnsServers())
        .extracting(a -> a.getHostAddress())
        .containsExactly("2620:52:0:1306:0:0:0:1");
    assertThat(c6.domains()).containsExactly("lab.example");
    assertThat(c6.rapidCommit()).isFalse();
    assertThat(c6.leaseFile()).isEqualTo(dir.resolve("var/dhcp/leases6.log"));
    assertThat(b.ra().enabled()).isTrue();
    assertThat(b.ra().interval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(b.ra().routerLifetime()).isEqualTo(Duration.ofSeconds(1200));
    assertThat(b.ra().mtu()).contains(1500);
    assertThat(b.notes())
        .anyMatch(n -> n.contains("constructor:nosuch0") && n.contains(":5:"))
        .noneMatch(n -> n.contains("not served yet"));
    // the DHCPv4 side keeps its lines: the host's IPv4 address
    assertThat(b.config().hosts())
        .extracting(h -> h.address().map(a -> a.getHostAddress()).orElse("-"))
        .contains("192.168.126.20");
  }

  @Test
  void aConstructorRangeTakesTheInterfacesPrefix() throws Exception {
    AirgapConfig c = config("dhcp-range=::100,::1ff,constructor:lo,64\n", "  enabled: true\n");
    Range6 r = build(c).config6().orElseThrow().ranges().get(0);
    assertThat(r.network()).isEqualTo(Network.parse("::/64"));
    assertThat(r.start().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:100");
  }

  @Test
  void anIpv4OnlyConfigRunsNoDhcp6() throws Exception {
    AirgapConfig c =
        config("dhcp-range=192.168.126.100,192.168.126.150,255.255.255.0\n", "  enabled: true\n");
    assertThat(build(c).config6()).isEmpty();
  }

  @Test
  void ipv6YamlValuesAreCheckedAtLoad() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "dhcp: {enabled: true, ranges: [{start: 10.0.0.1, end: 'fd00::1'}],"
                        + " hosts: [{mac: '52:54:00:00:00:01', address6: 10.0.0.5}],"
                        + " dns-servers6: [10.0.0.1], ra: {interval: 2}}",
                    "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dhcp.ranges[0]")
        .hasMessageContaining("dhcp.hosts[0]")
        .hasMessageContaining("dhcp.dns-servers6[0]")
        .hasMessageContaining("dhcp.ra");
  }
}
