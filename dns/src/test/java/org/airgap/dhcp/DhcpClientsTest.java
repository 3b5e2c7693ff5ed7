package org.airgap.dhcp;

import static org.airgap.dhcp.Requests.discover;
import static org.airgap.dhcp.Requests.ip;
import static org.airgap.dhcp.Requests.select;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.airgap.dns.DnsRecord;
import org.airgap.dns.MutableRecordSource;
import org.airgap.dns.Network;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients against the real server, in two network namespaces joined by a veth: Debian's
 * dhclient and busybox udhcpc (each with a script and lease file of the test's own, so the host's
 * resolv.conf is never touched), and a relay agent of the test's own on 10.99.1.1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DhcpClientsTest {
  static final String STATIC_MAC = "52:54:00:99:00:01";
  static final Inet4Address RELAY = ip("10.99.1.1");

  @TempDir static Path dir;
  static NetnsHarness net;
  static DhcpServer server;
  static DhcpConfig config;
  static final MutableRecordSource records = new MutableRecordSource();

  @BeforeAll
  static void start() {
    net = NetnsHarness.create();
    net.in(net.server, "ip route add 10.99.1.0/24 dev " + net.serverIf);
    DhcpConfig c =
        DhcpConfig.of(dir.resolve("dhcp/leases4.log"))
            .withInterfaces(List.of(net.serverIf))
            .withPools(
                List.of(
                    new Pool(
                        Network.parse("10.99.0.0/24"),
                        ip("10.99.0.100"),
                        ip("10.99.0.109"),
                        Optional.of(Duration.ofSeconds(6)),
                        List.of(),
                        List.of(),
                        false),
                    new Pool(
                        Network.parse("10.99.1.0/24"),
                        ip("10.99.1.10"),
                        ip("10.99.1.11"),
                        Optional.empty(),
                        List.of(),
                        List.of(),
                        false)))
            .withHosts(
                List.of(
                    new StaticHost(
                        List.of(STATIC_MAC),
                        Optional.of(ip("10.99.0.20")),
                        Optional.of("master-0"),
                        Optional.empty(),
                        List.of(),
                        false)))
            .withOptions(
                List.of(
                    new OptionRule(List.of(), OptionValue.named("ntp-server", "0.0.0.0"), false),
                    new OptionRule(List.of(), OptionValue.named("mtu", "1400"), false)))
            .withDomain(Optional.of("lab.example"));
    config = c;
    server = new DhcpServer(c, new DnsFeed(records, c.domain()));
    net.inServer(server::start);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (net != null) {
      net.close();
    }
  }

  static void await(String what, BooleanSupplier ok) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "timed out waiting for " + what + "; server: " + server.counters() + server.leases());
      }
      Thread.sleep(100);
    }
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  void client(String mac) {
    net.in(net.client, "ip addr flush dev " + net.clientIf);
    net.in(net.client, "ip link set " + net.clientIf + " address " + mac);
  }

  Optional<Lease> lease(String mac) {
    return server.leases().stream().filter(l -> l.mac().text().equals(mac)).findFirst();
  }

  @Test
  @Order(1)
  void dhclientGetsTheStaticLeaseWithOptionsRenewsAndReleases() throws Exception {
    client(STATIC_MAC);
    Path log = dir.resolve("dhclient.events");
    String[] args = net.dhclientArgs(dir, log);
    NetnsHarness.Result r = net.run(net.client, Duration.ofSeconds(40), args);
    assertThat(r.exit()).as(r.output()).isZero();
    String events = read(log);
    assertThat(events)
        .contains("reason=BOUND")
        .contains("new_ip_address=10.99.0.20")
        .contains("new_subnet_mask=255.255.255.0")
        .contains("new_routers=10.99.0.1")
        .contains("new_domain_name_servers=10.99.0.1")
        .contains("new_domain_name=lab.example")
        .contains("new_domain_search=lab.example.")
        .contains("new_host_name=master-0")
        .contains("new_ntp_servers=10.99.0.1")
        .contains("new_interface_mtu=1400")
        .contains("new_dhcp_lease_time=6");
    assertThat(lease(STATIC_MAC))
        .as(server.counters() + " " + server.leases() + r.output() + events)
        .isPresent();
    assertThat(records.records())
        .contains(new DnsRecord.Host("master-0.lab.example", List.of(ip("10.99.0.20"))));

    // The daemonized dhclient renews at T1 (3 s), by unicast from its address.
    await("a RENEW", () -> read(log).contains("reason=RENEW"));
    assertThat(server.counters().get("request")).isGreaterThanOrEqualTo(2);

    String[] release = args.clone();
    release[2] = "-r";
    assertThat(net.run(net.client, Duration.ofSeconds(20), release).exit()).isZero();
    await("the release", () -> lease(STATIC_MAC).isEmpty());
    assertThat(records.records()).isEmpty();
  }

  @Test
  @Order(2)
  void udhcpcGetsARangeLeaseUnderItsOwnNameRenewsAndReleases() throws Exception {
    String mac = "52:54:00:99:00:02";
    client(mac);
    Path log = dir.resolve("udhcpc.events");
    Path script =
        NetnsHarness.recordingScript(
            dir,
            "udhcpc.sh",
            log,
            "case \"$1\" in bound|renew) ip addr replace $ip/$mask dev $interface;; esac");
    Process p =
        net.start(
            net.client,
            dir.resolve("udhcpc.out"),
            "udhcpc",
            "-f",
            "-i",
            net.clientIf,
            "-s",
            script.toString(),
            "-t",
            "5",
            "-T",
            "1",
            "-x",
            "hostname:worker-7",
            "-O",
            "search",
            "-O",
            "ntpsrv");
    await("udhcpc bound", () -> read(log).contains("=== bound"));
    String events = read(log);
    assertThat(events)
        .contains("subnet=255.255.255.0")
        .contains("router=10.99.0.1")
        .contains("dns=10.99.0.1")
        .contains("domain=lab.example")
        .contains("search=lab.example")
        .contains("ntpsrv=10.99.0.1")
        .contains("serverid=10.99.0.1");
    Lease l = lease(mac).orElseThrow();
    assertThat(l.hostname()).contains("worker-7");
    assertThat(events).contains("ip=" + l.address().getHostAddress());
    assertThat(Engine.toInt(l.address()) - Engine.toInt(ip("10.99.0.100"))).isBetween(0, 9);
    assertThat(records.records())
        .contains(new DnsRecord.Host("worker-7.lab.example", List.of(l.address())));

    net.sh("kill -USR1 " + p.pid()); // renew now
    await("udhcpc renew", () -> read(log).contains("=== renew"));
    assertThat(lease(mac).orElseThrow().address()).isEqualTo(l.address());

    net.sh("kill -USR2 " + p.pid()); // release
    await("the release", () -> lease(mac).isEmpty());
    p.destroy();
  }

  @Test
  @Order(3)
  void udhcpcDeclinesAnAddressInUseAndIsNotOfferedItAgain() throws Exception {
    String mac = "52:54:00:99:00:03";
    client(mac);
    Path log = dir.resolve("decline.events");
    Path script = NetnsHarness.recordingScript(dir, "decline.sh", log, "");
    String[] args = {
      "udhcpc",
      "-f",
      "-q",
      "-n",
      "-i",
      net.clientIf,
      "-s",
      script.toString(),
      "-t",
      "5",
      "-T",
      "1",
      "-a1000"
    };
    NetnsHarness.Result first = net.run(net.client, Duration.ofSeconds(30), args);
    assertThat(first.exit()).as(first.output()).isZero();
    Inet4Address taken = lease(mac).orElseThrow().address();
    // Another host (the server side, here) now squats on that address: udhcpc's ARP probe finds
    // it and declines; the next offer must be another address.
    net.in(net.server, "ip addr add " + taken.getHostAddress() + "/32 dev " + net.serverIf);
    try {
      Files.deleteIfExists(log);
      NetnsHarness.Result second = net.run(net.client, Duration.ofSeconds(40), args);
      assertThat(second.exit()).as(second.output()).isZero();
      assertThat(server.counters().get("decline")).isGreaterThanOrEqualTo(1);
      Inet4Address now = lease(mac).orElseThrow().address();
      assertThat(now).isNotEqualTo(taken);
      assertThat(read(log)).contains("ip=" + now.getHostAddress());
    } finally {
      net.in(net.server, "ip addr del " + taken.getHostAddress() + "/32 dev " + net.serverIf);
    }
  }

  @Test
  @Order(4)
  void relayedRequestsAreAnsweredToTheRelayUntilTheRangeIsExhausted() {
    client("52:54:00:99:00:04");
    net.in(net.client, "ip addr add " + RELAY.getHostAddress() + "/24 dev " + net.clientIf);
    net.in(net.client, "ip route add 10.99.0.0/24 dev " + net.clientIf);
    InetSocketAddress srv = new InetSocketAddress(NetnsHarness.SERVER_ADDRESS, 67);
    net.call(
        net.client,
        () -> {
          try (RelayClient relay = new RelayClient(RELAY, srv)) {
            for (int i = 1; i <= 2; i++) {
              String mac = "52:54:00:77:00:0" + i;
              DhcpPacket offer = relay.exchange(discover(mac, RELAY)).orElseThrow();
              assertThat(offer.type()).contains(MessageType.OFFER);
              assertThat(offer.giaddr()).isEqualTo(RELAY);
              assertThat(offer.yiaddr().getHostAddress()).matches("10\\.99\\.1\\.1[01]");
              DhcpPacket ack =
                  relay
                      .exchange(select(mac, RELAY, ip(NetnsHarness.SERVER_ADDRESS), offer.yiaddr()))
                      .orElseThrow();
              assertThat(ack.type()).contains(MessageType.ACK);
            }
            // Two addresses, two leases: the third client gets nothing, and it is counted.
            long before = server.counters().getOrDefault("exhausted", 0L);
            assertThat(relay.exchange(discover("52:54:00:77:00:09", RELAY))).isEmpty();
            assertThat(server.counters().get("exhausted")).isGreaterThan(before);
          }
          return null;
        });
  }

  @Test
  @Order(5)
  void malformedPacketsDoNotStopTheServer() {
    client("52:54:00:99:00:05");
    net.in(net.client, "ip addr add " + RELAY.getHostAddress() + "/24 dev " + net.clientIf);
    net.in(net.client, "ip route add 10.99.0.0/24 dev " + net.clientIf);
    InetSocketAddress srv = new InetSocketAddress(NetnsHarness.SERVER_ADDRESS, 67);
    long before = server.counters().getOrDefault("malformed", 0L);
    net.call(
        net.client,
        () -> {
          try (RelayClient relay = new RelayClient(RELAY, srv)) {
            Random r = new Random(67);
            byte[] valid = discover("52:54:00:66:00:01", RELAY).encode();
            for (int i = 0; i < 300; i++) {
              byte[] b = i % 2 == 0 ? new byte[r.nextInt(600)] : valid.clone();
              for (int j = 0; j < b.length; j += 1 + r.nextInt(8)) {
                b[j] = (byte) r.nextInt(256);
              }
              if (b.length > 240 && i % 4 == 1) {
                b[236] = 0; // no cookie
              }
              relay.sendRaw(b);
            }
            DhcpPacket offer = relay.exchange(discover("52:54:00:66:00:02", RELAY)).orElse(null);
            // The range may be full from the relay test; any well-formed answer or a counted
            // exhaustion proves the server still reads; a NAK-free silence would not.
            if (offer == null) {
              assertThat(server.counters().get("exhausted")).isPositive();
            } else {
              assertThat(offer.type()).contains(MessageType.OFFER);
            }
          }
          return null;
        });
    assertThat(server.counters().get("malformed")).isGreaterThan(before + 50);
  }

  @Test
  @Order(6)
  void reloadServesNewRangesAndHostsAndKeepsTheLeases() {
    client("52:54:00:99:00:06");
    net.in(net.client, "ip addr add " + RELAY.getHostAddress() + "/24 dev " + net.clientIf);
    net.in(net.client, "ip route add 10.99.0.0/24 dev " + net.clientIf);
    InetSocketAddress srv = new InetSocketAddress(NetnsHarness.SERVER_ADDRESS, 67);
    List<Lease> before = server.leases();
    assertThat(before).isNotEmpty();
    List<Pool> pools = new java.util.ArrayList<>(config.pools());
    Pool relayed = pools.get(1);
    pools.set(
        1,
        new Pool(
            relayed.network(),
            ip("10.99.1.10"),
            ip("10.99.1.20"),
            relayed.leaseTime(),
            List.of(),
            List.of(),
            false));
    List<StaticHost> hosts = new java.util.ArrayList<>(config.hosts());
    hosts.add(
        new StaticHost(
            List.of(),
            Optional.of(ip("10.99.1.50")),
            Optional.of("by-client-id"),
            Optional.empty(),
            List.of(),
            false,
            List.of(StaticHost.clientId("01:52:54:00:55:00:01"))));
    // as SIGHUP does: the whole new config; what cannot change live is named
    assertThat(server.reload(config.withPools(pools).withHosts(hosts))).isEmpty();
    assertThat(server.leases()).containsExactlyElementsOf(before);
    net.call(
        net.client,
        () -> {
          try (RelayClient relay = new RelayClient(RELAY, srv)) {
            DhcpPacket grown = relay.exchange(discover("52:54:00:77:00:09", RELAY)).orElseThrow();
            assertThat(grown.yiaddr().getHostAddress()).matches("10\\.99\\.1\\.(1[2-9]|20)");
            byte[] id = {1, 0x52, 0x54, 0, 0x55, 0, 1};
            DhcpPacket byId =
                relay.exchange(discover("52:54:00:77:00:0a", RELAY, 61, id)).orElseThrow();
            assertThat(byId.yiaddr()).isEqualTo(ip("10.99.1.50"));
            assertThat(byId.textOption(12)).contains("by-client-id");
          }
          return null;
        });
    assertThat(server.reload(config.withInterfaces(List.of("eth7")))).contains("dhcp.interfaces");
  }
}
