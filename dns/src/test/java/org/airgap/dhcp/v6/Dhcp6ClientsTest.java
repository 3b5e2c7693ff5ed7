package org.airgap.dhcp.v6;

import static org.airgap.dhcp.v6.Client6.*;
import static org.airgap.dhcp.v6.Dhcp6Message.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.airgap.dhcp.NetnsHarness;
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
 * The DHCPv6 server against Debian's {@code dhclient -6} (its own script, lease and pid files, so
 * nothing on the host is touched) and a raw client of the test's own, in two network namespaces
 * joined by a veth: server {@code fd99::1/64}, static host {@code 52:54:00:99:00:01 -> fd99::20},
 * range {@code fd99::100-fd99::1ff}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Dhcp6ClientsTest {
  static final String STATIC_MAC = "52:54:00:99:00:01";
  static final Inet6Address STATIC = ip6("fd99::20");
  static final Range6 RANGE =
      new Range6(
          Network.parse("fd99::/64"),
          ip6("fd99::100"),
          ip6("fd99::1ff"),
          Optional.of(Duration.ofSeconds(8)),
          false);

  @TempDir static Path dir;
  static NetnsHarness net;
  static Dhcp6Server server;
  static final MutableRecordSource records = new MutableRecordSource();

  @BeforeAll
  static void start() {
    net = NetnsHarness.create();
    Net6Setup.enable(net);
    Dhcp6Config c =
        Dhcp6Config.of(dir.resolve("dhcp/leases6.log"))
            .withInterfaces(List.of(net.serverIf))
            .withRanges(List.of(RANGE))
            .withHosts(List.of(Host6.of(STATIC_MAC, STATIC, "master-0")))
            .withDomains(List.of("lab.example"))
            .withDeclineHold(Duration.ofMinutes(10));
    server = new Dhcp6Server(c, new DnsFeed6(records, c.domain()));
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
    long end = System.nanoTime() + Duration.ofSeconds(25).toNanos();
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

  Optional<Lease6> lease(Inet6Address a) {
    return server.leases().stream().filter(l -> l.address().equals(a)).findFirst();
  }

  /** dhclient -6 on the client side with the MAC {@code mac}: its args (without -r/-1). */
  String[] dhclient(String name, String mac) throws Exception {
    setMac(mac);
    Path log = dir.resolve(name + ".events");
    Path script =
        NetnsHarness.recordingScript(
            dir,
            name + ".sh",
            log,
            "case \"$reason\" in BOUND6|RENEW6|REBIND6) ip -6 addr replace"
                + " $new_ip6_address/128 dev $interface nodad;; esac");
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(
        conf,
        "timeout 20; retry 1; initial-interval 1;\n"
            + "request dhcp6.name-servers, dhcp6.domain-search;\n");
    return new String[] {
      "dhclient",
      "-6",
      "-1",
      "-v",
      "-cf",
      conf.toString(),
      "-sf",
      script.toString(),
      "-lf",
      dir.resolve(name + ".leases").toString(),
      "-pf",
      dir.resolve(name + ".pid").toString(),
      net.clientIf
    };
  }

  @Test
  @Order(1)
  void dhclientGetsTheStaticLeaseWithDnsAndSearchRenewsAndReleases() throws Exception {
    String[] args = dhclient("dhclient6", STATIC_MAC);
    NetnsHarness.Result r = net.run(net.client, Duration.ofSeconds(40), args);
    assertThat(r.exit()).as(r.output()).isZero();
    Path log = dir.resolve("dhclient6.events");
    String events = read(log);
    assertThat(events)
        .as(r.output())
        .contains("reason=BOUND6")
        .contains("new_ip6_address=fd99::20")
        .contains("new_dhcp6_name_servers=fd99::1")
        .contains("new_dhcp6_domain_search=lab.example.")
        .contains("new_max_life=8");
    assertThat(lease(STATIC)).isPresent();
    assertThat(lease(STATIC).get().hostname()).contains("master-0");
    assertThat(records.records())
        .contains(new DnsRecord.Host("master-0.lab.example", List.of(STATIC)));

    // The daemonized dhclient renews at T1 (4 s), with the server's DUID.
    await("a RENEW6", () -> read(log).contains("reason=RENEW6"));
    assertThat(server.counters().get("renew")).isGreaterThanOrEqualTo(1);

    Path pid = dir.resolve("dhclient6.pid");
    String[] release = args.clone();
    release[2] = "-r";
    NetnsHarness.Result rel = net.run(net.client, Duration.ofSeconds(20), release);
    assertThat(rel.exit()).as(rel.output()).isZero();
    await("the release", () -> lease(STATIC).isEmpty());
    assertThat(server.counters().get("release")).isGreaterThanOrEqualTo(1);
    assertThat(records.records()).isEmpty();
    assertThat(Files.exists(pid) && ProcessHandle.of(Long.parseLong(read(pid).trim())).isPresent())
        .as("dhclient stopped")
        .isFalse();
  }

  @Test
  @Order(2)
  void dhclientWithAnotherMacGetsARangeLease() throws Exception {
    String[] args = dhclient("dhclient6b", "52:54:00:99:00:02");
    try {
      NetnsHarness.Result r = net.run(net.client, Duration.ofSeconds(40), args);
      assertThat(r.exit()).as(r.output()).isZero();
      String events = read(dir.resolve("dhclient6b.events"));
      assertThat(events)
          .contains("reason=BOUND6")
          .contains("new_dhcp6_name_servers=fd99::1")
          .contains("new_dhcp6_domain_search=lab.example.");
      String addr = events.replaceAll("(?s).*new_ip6_address=([0-9a-f:]+).*", "$1");
      assertThat(RANGE.inRange(ip6(addr))).as(addr).isTrue();
      assertThat(lease(ip6(addr))).isPresent();
    } finally {
      stopByPid(dir.resolve("dhclient6b.pid"));
      setMac(STATIC_MAC);
    }
  }

  /** A new MAC on the client side; the server forgets the old one (it would unicast to it). */
  static void setMac(String mac) {
    net.in(net.client, "ip link set " + net.clientIf + " address " + mac);
    net.in(net.server, "ip -6 neigh flush dev " + net.serverIf);
  }

  static void stopByPid(Path pid) {
    String p = read(pid).trim();
    if (p.matches("\\d+")) {
      ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroy);
    }
  }

  @Test
  @Order(3)
  void aDuidUuidClientGetsItsStaticAddressByTheFramesMac() throws Exception {
    // A link-local address that is not EUI-64 and a DUID without a MAC: only the frame tells.
    net.in(net.client, "ip -6 addr add fe80::99:3/64 dev " + net.clientIf + " nodad");
    assertThat(server.seesMacs()).isTrue();
    try (Client6 c = Client6.open(net, "fe80::99:3")) {
      Duid rhcos = uuid(1);
      Dhcp6Message adv = c.exchange(solicit(rhcos, 7, false)).orElseThrow();
      assertThat(adv.type()).isEqualTo(ADVERTISE);
      assertThat(firstIa(adv).addresses()).containsExactly(STATIC);
      Dhcp6Message reply =
          c.exchange(withServer(REQUEST, rhcos, adv.serverId().orElseThrow(), 7, STATIC))
              .orElseThrow();
      assertThat(reply.type()).isEqualTo(REPLY);
      assertThat(firstIa(reply).addresses()).containsExactly(STATIC);
      assertThat(lease(STATIC).orElseThrow().duid()).isEqualTo(rhcos);
      assertThat(lease(STATIC).orElseThrow().mac().orElseThrow().text()).isEqualTo(STATIC_MAC);
    }
  }

  @Test
  @Order(4)
  void rapidCommitRenewRebindConfirmReleaseDeclineAndInformationRequest() throws Exception {
    net.in(net.client, "ip -6 addr replace fe80::99:4/64 dev " + net.clientIf + " nodad");
    try (Client6 c = Client6.open(net, "fe80::99:4")) {
      // The frames carry STATIC_MAC: this client is the static host. Use a DUID of its own and
      // a second IA, which gets a range address.
      Duid d = uuid(2);
      Dhcp6Message solicit =
          Dhcp6Message.of(
              SOLICIT,
              xid(),
              List.of(
                  clientId(d), ia(1), ia(2), elapsed(), new Option(OPT_RAPID_COMMIT, new byte[0])));
      Dhcp6Message rc = c.exchange(solicit).orElseThrow();
      assertThat(rc.type()).as("rapid commit: REPLY, no ADVERTISE").isEqualTo(REPLY);
      assertThat(rc.has(OPT_RAPID_COMMIT)).isTrue();
      List<byte[]> ias = rc.all(OPT_IA_NA);
      assertThat(ias).hasSize(2);
      Inet6Address dynamic =
          firstIa(Dhcp6Message.of(REPLY, 0, List.of(new Option(OPT_IA_NA, ias.get(1)))))
              .addresses()
              .get(0);
      assertThat(RANGE.inRange(dynamic)).isTrue();
      assertThat(lease(dynamic)).isPresent();
      Duid server6 = rc.serverId().orElseThrow();

      Dhcp6Message renew = c.exchange(withServer(RENEW, d, server6, 2, dynamic)).orElseThrow();
      assertThat(firstIa(renew).addresses()).containsExactly(dynamic);
      assertThat(firstIa(renew).valid()).containsExactly(8L);

      Dhcp6Message rebind = c.exchange(noServer(REBIND, d, 2, dynamic)).orElseThrow();
      assertThat(firstIa(rebind).addresses()).containsExactly(dynamic);
      assertThat(firstIa(rebind).valid()).containsExactly(8L);

      Dhcp6Message confirm = c.exchange(noServer(CONFIRM, d, 2, dynamic)).orElseThrow();
      assertThat(status(confirm)).contains(Engine6.SUCCESS);
      Dhcp6Message moved = c.exchange(noServer(CONFIRM, d, 2, ip6("2001:db8::5"))).orElseThrow();
      assertThat(status(moved)).contains(Engine6.NOT_ON_LINK);

      Dhcp6Message release = c.exchange(withServer(RELEASE, d, server6, 2, dynamic)).orElseThrow();
      assertThat(status(release)).contains(Engine6.SUCCESS);
      assertThat(lease(dynamic)).isEmpty();
      Dhcp6Message gone = c.exchange(withServer(RENEW, d, server6, 2, dynamic)).orElseThrow();
      assertThat(firstIa(gone).status()).contains(Engine6.NO_BINDING);

      // DECLINE: the address is someone else's; the client's next one differs and the
      // declined one is not handed out again.
      Duid e = uuid(3);
      Dhcp6Message r1 =
          c.exchange(
                  Dhcp6Message.of(
                      SOLICIT,
                      xid(),
                      List.of(
                          clientId(e), ia(1), ia(9), new Option(OPT_RAPID_COMMIT, new byte[0]))))
              .orElseThrow();
      Inet6Address taken =
          firstIa(
                  Dhcp6Message.of(
                      REPLY, 0, List.of(new Option(OPT_IA_NA, r1.all(OPT_IA_NA).get(1)))))
              .addresses()
              .get(0);
      Dhcp6Message declined = c.exchange(withServer(DECLINE, e, server6, 9, taken)).orElseThrow();
      assertThat(status(declined)).contains(Engine6.SUCCESS);
      assertThat(lease(taken)).isEmpty();
      Dhcp6Message again =
          c.exchange(Dhcp6Message.of(SOLICIT, xid(), List.of(clientId(e), ia(1), ia(9))))
              .orElseThrow();
      Inet6Address next =
          firstIa(
                  Dhcp6Message.of(
                      REPLY, 0, List.of(new Option(OPT_IA_NA, again.all(OPT_IA_NA).get(1)))))
              .addresses()
              .get(0);
      assertThat(next).isNotEqualTo(taken);

      Dhcp6Message info =
          c.exchange(
                  Dhcp6Message.of(
                      INFORMATION_REQUEST,
                      xid(),
                      List.of(clientId(d), new Option(OPT_ORO, new byte[] {0, 23, 0, 24}))))
              .orElseThrow();
      assertThat(info.type()).isEqualTo(REPLY);
      assertThat(info.has(OPT_IA_NA)).isFalse();
      assertThat(info.option(OPT_DNS_SERVERS).orElseThrow()).isEqualTo(ip6("fd99::1").getAddress());
      assertThat(info.option(OPT_DOMAIN_LIST).orElseThrow())
          .isEqualTo(Dhcp6Message.domainName("lab.example"));
      assertThat(server.counters())
          .containsKeys(
              "solicit", "renew", "rebind", "confirm", "release", "decline", "information_request");
    }
  }

  @Test
  @Order(5)
  void malformedPacketsDoNotStopTheServer() throws Exception {
    try (Client6 c = Client6.open(net, "fe80::99:4")) {
      java.util.Random rnd = new java.util.Random(6);
      byte[] good = solicit(uuid(5), 1, false).encode();
      c.send(new byte[] {1});
      c.send(new byte[] {1, 0, 0, 1, 0, 1, 0, 40}); // option longer than the message
      c.send(new byte[] {12, 0}); // a relay message cut short
      c.send(
          Dhcp6Message.of(
                  SOLICIT, 1, List.of(clientId(uuid(5)), new Option(OPT_IA_NA, new byte[3])))
              .encode());
      c.send(Dhcp6Message.of(SOLICIT, 1, List.of(new Option(OPT_CLIENTID, new byte[1]))).encode());
      for (int i = 0; i < 300; i++) {
        byte[] b = good.clone();
        for (int k = 0; k < 3; k++) {
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        c.send(java.util.Arrays.copyOf(b, 1 + rnd.nextInt(b.length)));
      }
      await("the garbage to be read", () -> server.counters().getOrDefault("malformed", 0L) >= 4);
      Dhcp6Message adv = c.exchange(solicit(uuid(6), 1, false)).orElseThrow();
      assertThat(adv.type()).isEqualTo(ADVERTISE);
      assertThat(server.counters().getOrDefault("errors", 0L)).isZero();
    }
  }

  @Test
  @Order(6)
  void reloadServesNewRangesAndHostsAndKeepsTheBindings() throws Exception {
    List<Lease6> before = server.leases();
    assertThat(before).isNotEmpty();
    String mac = "52:54:00:99:00:66";
    Inet6Address worker = ip6("fd99::66");
    setMac(mac);
    net.in(net.client, "ip -6 addr replace fe80::99:6/64 dev " + net.clientIf + " nodad");
    try (Client6 c = Client6.open(net, "fe80::99:6")) {
      Dhcp6Message old = c.exchange(solicit(uuid(7), 1, false)).orElseThrow();
      assertThat(RANGE.inRange(firstIa(old).addresses().get(0))).isTrue();

      Range6 moved =
          new Range6(
              Network.parse("fd99::/64"),
              ip6("fd99::200"),
              ip6("fd99::2ff"),
              Optional.empty(),
              false);
      Dhcp6Config now = Dhcp6Config.of(dir.resolve("dhcp/leases6.log"));
      Dhcp6Config next =
          now.withInterfaces(List.of(net.serverIf))
              .withRanges(List.of(moved))
              .withHosts(
                  List.of(
                      Host6.of(STATIC_MAC, STATIC, "master-0"), Host6.of(mac, worker, "worker-6")))
              .withDomains(List.of("lab.example"))
              .withDeclineHold(Duration.ofMinutes(10));
      // as SIGHUP does: the whole new config; nothing in it needs a restart
      assertThat(server.reload(next)).isEmpty();
      assertThat(server.leases()).containsExactlyElementsOf(before);

      Dhcp6Message adv = c.exchange(solicit(uuid(8), 1, false)).orElseThrow();
      assertThat(firstIa(adv).addresses())
          .as("the new static host, by the frame's MAC")
          .containsExactly(worker);
      Dhcp6Message reply =
          c.exchange(withServer(REQUEST, uuid(8), adv.serverId().orElseThrow(), 1, worker))
              .orElseThrow();
      assertThat(firstIa(reply).addresses()).containsExactly(worker);
      assertThat(lease(worker).orElseThrow().hostname()).contains("worker-6");

      setMac("52:54:00:99:00:67");
      Dhcp6Message ranged = c.exchange(solicit(uuid(9), 1, false)).orElseThrow();
      assertThat(moved.inRange(firstIa(ranged).addresses().get(0)))
          .as("an unknown client gets an address of the new range")
          .isTrue();

      assertThat(server.reload(next.withInterfaces(List.of("eth7"))))
          .containsExactly("dhcp.interfaces (DHCPv6)");
      assertThat(server.reload(next.withServerPort(1547))).containsExactly("the DHCPv6 port");
    }
  }
}
