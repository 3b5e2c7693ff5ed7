package org.airgap.dhcp;

import static org.airgap.dhcp.Requests.discover;
import static org.airgap.dhcp.Requests.ip;
import static org.airgap.dhcp.Requests.msg;
import static org.airgap.dhcp.Requests.reboot;
import static org.airgap.dhcp.Requests.renew;
import static org.airgap.dhcp.Requests.select;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.airgap.dns.Network;
import org.airgap.dns.dnsmasq.DnsmasqParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol and the lease state, without sockets, on a clock the test turns. */
class EngineTest {
  static final Inet4Address SELF = ip("10.99.0.1");
  static final Inet4Address ZERO = DhcpPacket.ZERO;
  static final Link LINK = new Link("eth9", SELF, Network.parse("10.99.0.0/24"));

  @TempDir Path dir;
  Instant now = Instant.parse("2026-11-24T10:00:00Z");
  final InstantSource clock = () -> now;
  final List<String> events = new ArrayList<>();
  Engine engine;

  final LeaseListener recorder =
      new LeaseListener() {
        @Override
        public void bound(Lease l) {
          events.add(
              "bound "
                  + l.mac()
                  + " "
                  + l.address().getHostAddress()
                  + " "
                  + l.hostname().orElse("-"));
        }

        @Override
        public void ended(Lease l) {
          events.add("ended " + l.mac() + " " + l.address().getHostAddress());
        }
      };

  /** A config from dnsmasq lines, as the appliance builds it. */
  DhcpConfig config(String... lines) throws Exception {
    Path f = dir.resolve("dnsmasq.conf");
    Files.writeString(f, String.join("\n", lines) + "\n");
    DnsmasqDhcp.Result r =
        DnsmasqDhcp.convert(
            new DnsmasqParser(dir.resolve("none"), dir.resolve("none")).parse(List.of(f)).dhcp());
    assertThat(r.problems()).isEmpty();
    DhcpConfig c =
        DhcpConfig.of(dir.resolve("dhcp/leases4.log"))
            .withPools(r.pools())
            .withHosts(r.hosts())
            .withOptions(r.options())
            .withIgnore(r.ignore())
            .withDomain(Optional.of("lab.example"));
    if (r.authoritative().isPresent()) {
      c = c.withAuthoritative(true);
    }
    if (r.leaseMax().isPresent()) {
      c = c.withLeaseMax(r.leaseMax().get());
    }
    return c;
  }

  Engine start(DhcpConfig c) {
    if (engine != null) {
      engine.close();
    }
    engine = new Engine(c, new LeaseStore(c.leaseFile()), recorder, clock);
    engine.open();
    return engine;
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  Reply send(DhcpPacket p) {
    Optional<Reply> r = engine.handle(p, LINK);
    engine.commit();
    return r.orElseThrow(() -> new AssertionError("no reply to " + p.type()));
  }

  Optional<Reply> maybe(DhcpPacket p) {
    Optional<Reply> r = engine.handle(p, LINK);
    engine.commit();
    return r;
  }

  /** DISCOVER, REQUEST, ACK: the address bound. */
  Inet4Address dora(String mac, Inet4Address giaddr) {
    Reply offer = send(discover(mac, giaddr));
    assertThat(offer.packet().type()).contains(MessageType.OFFER);
    Reply ack = send(select(mac, giaddr, SELF, offer.packet().yiaddr()));
    assertThat(ack.packet().type()).contains(MessageType.ACK);
    return ack.packet().yiaddr();
  }

  static final String[] SITE = {
    "dhcp-range=10.99.0.100,10.99.0.102,255.255.255.0,12h",
    "dhcp-host=52:54:00:aa:10:01,ocp-master-0,10.99.0.20",
    "dhcp-host=52:54:00:aa:10:02,set:infra,10.99.0.21,infra-0",
    "dhcp-option=option:ntp-server,0.0.0.0",
    "dhcp-option=tag:infra,option:mtu,9000",
    "dhcp-option=option:mtu,1500"
  };

  @Test
  void staticHostGetsItsAddressNameAndOptions() throws Exception {
    start(config(SITE));
    Reply offer =
        send(discover("52:54:00:aa:10:01", ZERO, 55, new byte[] {1, 3, 6, 15, 42, 26, 119}));
    DhcpPacket p = offer.packet();
    assertThat(p.yiaddr()).isEqualTo(ip("10.99.0.20"));
    assertThat(p.type()).contains(MessageType.OFFER); // kept though the list did not ask for 53
    assertThat(offer.to()).isEqualTo(DhcpPacket.BROADCAST);
    assertThat(offer.port()).isEqualTo(68);
    assertThat(p.addressOption(54)).contains(SELF);
    assertThat(p.option(1).orElseThrow()).containsExactly(255, 255, 255, 0);
    assertThat(p.addressOption(3)).contains(SELF);
    assertThat(p.addressOption(6)).contains(SELF);
    assertThat(p.addressOption(42)).contains(SELF); // 0.0.0.0 = the server itself
    assertThat(p.textOption(15)).contains("lab.example");
    assertThat(p.textOption(12)).contains("ocp-master-0");
    assertThat(p.option(26).orElseThrow()).containsExactly(0x05, 0xdc);
    assertThat(p.option(51).orElseThrow()).containsExactly(0, 0, 0xa8, 0xc0); // 12h
    assertThat(p.option(58).orElseThrow()).containsExactly(0, 0, 0x54, 0x60); // 6h
    assertThat(p.option(119).orElseThrow()).isEqualTo(OptionValue.domainName("lab.example"));

    Reply ack = send(select("52:54:00:aa:10:01", ZERO, SELF, ip("10.99.0.20")));
    assertThat(ack.packet().type()).contains(MessageType.ACK);
    assertThat(events).containsExactly("bound 52:54:00:aa:10:01 10.99.0.20 ocp-master-0");
  }

  @Test
  void taggedOptionOverridesTheUntaggedOne() throws Exception {
    start(config(SITE));
    DhcpPacket p = send(discover("52:54:00:aa:10:02", ZERO)).packet();
    assertThat(p.yiaddr()).isEqualTo(ip("10.99.0.21"));
    assertThat(p.option(26).orElseThrow()).containsExactly(0x23, 0x28); // 9000
  }

  @Test
  void dynamicClientKeepsItsAddressAcrossRenewalsAndRestarts() throws Exception {
    DhcpConfig c = config(SITE);
    start(c);
    Inet4Address a = dora("52:54:00:bb:00:01", ZERO);
    assertThat(
            new Pool(
                    Network.parse("10.99.0.0/24"),
                    ip("10.99.0.100"),
                    ip("10.99.0.102"),
                    Optional.empty(),
                    List.of(),
                    List.of(),
                    false)
                .inRange(a))
        .isTrue();
    now = now.plus(Duration.ofHours(6));
    Reply r = send(renew("52:54:00:bb:00:01", ZERO, a));
    assertThat(r.packet().type()).contains(MessageType.ACK);
    assertThat(r.to()).isEqualTo(a); // unicast to ciaddr
    start(c); // a restart
    assertThat(engine.leases()).extracting(Lease::address).containsExactly(a);
    assertThat(send(discover("52:54:00:bb:00:01", ZERO)).packet().yiaddr()).isEqualTo(a);
    assertThat(send(reboot("52:54:00:bb:00:01", ZERO, a)).packet().type())
        .contains(MessageType.ACK);
  }

  @Test
  void exhaustedRangeOffersNothingAndReleaseFreesAnAddress() throws Exception {
    start(config(SITE));
    List<Inet4Address> got = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      got.add(dora("52:54:00:cc:00:0" + i, ZERO));
    }
    assertThat(got).doesNotHaveDuplicates();
    assertThat(maybe(discover("52:54:00:cc:00:09", ZERO))).isEmpty();
    assertThat(engine.counters()).containsEntry("exhausted", 1L);
    maybe(msg(MessageType.RELEASE, "52:54:00:cc:00:02", 1, got.get(1), ZERO, 54, SELF));
    assertThat(send(discover("52:54:00:cc:00:09", ZERO)).packet().yiaddr()).isEqualTo(got.get(1));
  }

  @Test
  void declinedAddressIsQuarantinedEvenAcrossARestart() throws Exception {
    DhcpConfig c = config(SITE);
    start(c);
    Inet4Address a = dora("52:54:00:dd:00:01", ZERO);
    maybe(msg(MessageType.DECLINE, "52:54:00:dd:00:01", 2, ZERO, ZERO, 54, SELF, 50, a));
    assertThat(engine.leases()).isEmpty();
    start(c);
    for (int i = 2; i <= 3; i++) {
      assertThat(dora("52:54:00:dd:00:0" + i, ZERO)).isNotEqualTo(a);
    }
    assertThat(maybe(discover("52:54:00:dd:00:09", ZERO))).isEmpty(); // 3 addresses, 1 declined
    now = now.plus(Duration.ofMinutes(11));
    engine.expire();
    assertThat(send(discover("52:54:00:dd:00:09", ZERO)).packet().yiaddr()).isEqualTo(a);
  }

  @Test
  void leasesExpireOnTimeAndLeaveDns() throws Exception {
    start(config(SITE));
    Inet4Address a = dora("52:54:00:ee:00:01", ZERO);
    now = now.plus(Duration.ofHours(11));
    engine.expire();
    assertThat(engine.leases()).hasSize(1);
    now = now.plus(Duration.ofHours(2));
    engine.expire();
    assertThat(engine.leases()).isEmpty();
    assertThat(events).last().isEqualTo("ended 52:54:00:ee:00:01 " + a.getHostAddress());
  }

  @Test
  void wrongRequestsAreNakedAndOtherServersAreLeftAlone() throws Exception {
    start(config(SITE));
    Reply nak = send(reboot("52:54:00:aa:10:01", ZERO, ip("10.99.0.150")));
    assertThat(nak.packet().type()).contains(MessageType.NAK);
    assertThat(nak.to()).isEqualTo(DhcpPacket.BROADCAST);
    assertThat(send(select("52:54:00:ff:00:01", ZERO, SELF, ip("10.99.0.20"))).packet().type())
        .contains(MessageType.NAK); // a static address of someone else
    send(discover("52:54:00:ff:00:02", ZERO));
    assertThat(maybe(select("52:54:00:ff:00:02", ZERO, ip("10.99.0.254"), ip("10.99.0.100"))))
        .isEmpty(); // it chose another server
    // Not authoritative: a reboot into an unknown but free address of ours stays unanswered.
    assertThat(maybe(reboot("52:54:00:ff:00:03", ZERO, ip("10.99.0.101")))).isEmpty();
  }

  @Test
  void authoritativeAcksAFreeAddressAfterALostLeaseFile() throws Exception {
    String[] lines = java.util.Arrays.copyOf(SITE, SITE.length + 1);
    lines[SITE.length] = "dhcp-authoritative";
    start(config(lines));
    assertThat(send(reboot("52:54:00:ff:00:03", ZERO, ip("10.99.0.101"))).packet().type())
        .contains(MessageType.ACK);
  }

  @Test
  void relayedRequestsAreAnsweredToTheRelayFromTheRelaysRange() throws Exception {
    start(config("dhcp-range=10.99.1.10,10.99.1.20,255.255.255.0,1h"));
    Inet4Address relay = ip("10.99.1.1");
    Reply offer = send(discover("52:54:00:11:00:01", relay));
    assertThat(offer.to()).isEqualTo(relay);
    assertThat(offer.port()).isEqualTo(67);
    assertThat(offer.packet().giaddr()).isEqualTo(relay);
    assertThat(offer.packet().yiaddr().getHostAddress()).startsWith("10.99.1.");
    assertThat(offer.packet().options()).doesNotContainKey(3); // the router is not us there
    // A local client has no range on 10.99.0.0/24 here.
    assertThat(maybe(discover("52:54:00:11:00:02", ZERO))).isEmpty();
  }

  @Test
  void unknownClientsAreIgnoredWhenAsked() throws Exception {
    String[] lines = java.util.Arrays.copyOf(SITE, SITE.length + 2);
    lines[SITE.length] = "dhcp-ignore=tag:!known";
    lines[SITE.length + 1] = "dhcp-lease-max=1";
    start(config(lines));
    assertThat(maybe(discover("52:54:00:12:00:01", ZERO))).isEmpty();
    assertThat(engine.counters()).containsEntry("ignored", 1L);
    dora("52:54:00:aa:10:01", ZERO);
  }

  @Test
  void leaseMaxStopsNewClients() throws Exception {
    start(config(SITE[0], "dhcp-lease-max=1"));
    dora("52:54:00:12:00:01", ZERO);
    assertThat(maybe(discover("52:54:00:12:00:02", ZERO))).isEmpty();
  }

  @Test
  void informGetsOptionsWithoutALease() throws Exception {
    start(config(SITE));
    Reply r = send(msg(MessageType.INFORM, "52:54:00:13:00:01", 5, ip("10.99.0.77"), ZERO));
    assertThat(r.packet().type()).contains(MessageType.ACK);
    assertThat(r.packet().yiaddr()).isEqualTo(ZERO);
    assertThat(r.packet().options()).doesNotContainKey(51).containsKey(6);
    assertThat(r.to()).isEqualTo(ip("10.99.0.77"));
    assertThat(engine.leases()).isEmpty();
  }

  @Test
  void clientHostNamesAreSanitized() {
    assertThat(Engine.sanitize("Worker_7.old.domain")).isEqualTo("worker7");
    assertThat(Engine.sanitize("-a b-")).isEqualTo("ab");
  }

  @Test
  void logCompactsAndATornLastLineIsIgnored() throws Exception {
    DhcpConfig c = config("dhcp-range=10.99.0.10,10.99.0.250,255.255.255.0,1h");
    start(c);
    Inet4Address a = dora("52:54:00:14:00:01", ZERO);
    for (int i = 0; i < 1500; i++) {
      engine.handle(renew("52:54:00:14:00:01", ZERO, a), LINK); // one batch: one fsync
    }
    engine.commit();
    long lines = Files.readAllLines(c.leaseFile()).size();
    assertThat(lines).isLessThan(1100); // compacted at least once
    Files.writeString(
        c.leaseFile(), "L 52:54:00:14:00:02 10.99", java.nio.file.StandardOpenOption.APPEND);
    start(c);
    assertThat(engine.leases()).extracting(Lease::address).containsExactly(a);
  }

  @Test
  void clientIdentifierHostsMatchOption61BeforeAnyMac() throws Exception {
    start(
        config(
            SITE[0],
            "dhcp-host=id:01:52:54:00:cc:00:01,by-id,10.99.0.30",
            "dhcp-host=id:marjorie,by-text,10.99.0.31",
            "dhcp-host=52:54:00:cc:00:09,by-mac,10.99.0.32",
            "dhcp-host=id:*,52:54:00:cc:00:0a,star,10.99.0.33"));
    byte[] hwId = {1, 0x52, 0x54, 0, (byte) 0xcc, 0, 1};
    // the identifier decides, whatever chaddr says (a NIC replaced, a bond's MAC)
    Reply r = send(discover("52:54:00:dd:00:01", ZERO, 61, hwId));
    assertThat(r.packet().yiaddr()).isEqualTo(ip("10.99.0.30"));
    assertThat(r.packet().textOption(12)).contains("by-id");
    r = send(discover("52:54:00:cc:00:09", ZERO, 61, hwId)); // the id wins over by-mac's MAC
    assertThat(r.packet().yiaddr()).isEqualTo(ip("10.99.0.30"));
    r = send(discover("52:54:00:dd:00:02", ZERO, 61, "marjorie".getBytes()));
    assertThat(r.packet().yiaddr()).isEqualTo(ip("10.99.0.31"));
    r = send(discover("52:54:00:cc:00:09", ZERO, 61, new byte[] {1, 9, 9, 9, 9, 9, 9}));
    assertThat(r.packet().yiaddr()).isEqualTo(ip("10.99.0.32")); // unknown id: the MAC matches
    r = send(discover("52:54:00:cc:00:0a", ZERO, 61, new byte[] {1, 7, 7, 7, 7, 7, 7}));
    assertThat(r.packet().yiaddr()).isEqualTo(ip("10.99.0.33")); // id:* ignores the identifier
    assertThat(send(discover("52:54:00:dd:00:03", ZERO)).packet().yiaddr().getHostAddress())
        .startsWith("10.99.0.10"); // no id, unknown MAC: the range
  }

  @Test
  void clientIdentifierForms() {
    assertThat(StaticHost.clientId("01:52:54:00:AA:10:1")).isEqualTo("01:52:54:00:aa:10:01");
    assertThat(StaticHost.clientId("ab")).isEqualTo("61:62");
    assertThatThrownBy(() -> StaticHost.clientId("")).isInstanceOf(IllegalArgumentException.class);
  }
}
