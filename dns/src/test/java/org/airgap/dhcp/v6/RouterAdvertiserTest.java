package org.airgap.dhcp.v6;

import static org.airgap.dhcp.v6.Client6.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.airgap.dhcp.NetnsHarness;
import org.airgap.dns.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Router advertisements as the client side sees them: a raw ICMPv6 socket of the test's own
 * (periodic ones, byte by byte), Debian's {@code rdisc6} (a solicitation and the answer), the
 * client kernel (a default route learnt from them, no SLAAC address), and a server process without
 * CAP_NET_RAW.
 */
class RouterAdvertiserTest {
  @TempDir Path dir;
  NetnsHarness net;
  Dhcp6Server server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (net != null) {
      net.close();
    }
  }

  void startServer(RaConfig ra) {
    net = NetnsHarness.create();
    Net6Setup.enable(net);
    Dhcp6Config c =
        Dhcp6Config.of(dir.resolve("dhcp/leases6.log"))
            .withInterfaces(List.of(net.serverIf))
            .withRanges(
                List.of(
                    new Range6(
                        Network.parse("fd99::/64"),
                        ip6("fd99::100"),
                        ip6("fd99::1ff"),
                        Optional.empty(),
                        false)));
    server = new Dhcp6Server(c, ra, Lease6Listener.NONE);
    net.inServer(server::start);
    assertThat(server.raProblem()).isEmpty();
  }

  /** Router advertisements the client namespace receives within {@code window}. */
  List<byte[]> listen(Duration window, int atMost) {
    return net.call(
        net.client,
        () -> {
          int fd = Net6.socket(Net6.AF_INET6, Net6.SOCK_RAW, Net6.IPPROTO_ICMPV6);
          try {
            byte[] filter = new byte[32];
            Arrays.fill(filter, (byte) 0xff);
            filter[134 >> 3] &= (byte) ~(1 << (134 & 7));
            Net6.setsockopt(fd, Net6.IPPROTO_ICMPV6, Net6.ICMP6_FILTER, filter, 32);
            byte[] tv = Net6.timeval(250);
            Net6.setsockopt(fd, Net6.SOL_SOCKET, Net6.SO_RCVTIMEO, tv, tv.length);
            List<byte[]> out = new ArrayList<>();
            byte[] buf = new byte[1500];
            byte[] from = new byte[28];
            IntByReference len = new IntByReference();
            long end = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < end && out.size() < atMost) {
              len.setValue(28);
              try {
                int n = Net6.recvfrom(fd, buf, buf.length, 0, from, len);
                out.add(Arrays.copyOf(buf, n));
              } catch (LastErrorException e) {
                // timeout: look at the clock again
              }
            }
            return out;
          } finally {
            Net6.close(fd);
          }
        });
  }

  @Test
  void periodicAdvertisementsCarryTheFlagsPrefixLifetimeAndRdnss() {
    startServer(
        RaConfig.off()
            .withEnabled(true)
            .withInterval(Duration.ofSeconds(4))
            .withRouterLifetime(Duration.ofSeconds(1200))
            .withRdnss(List.of(ip6("fd99::1"))));
    List<byte[]> ras = listen(Duration.ofSeconds(12), 2);
    assertThat(ras).as("two unsolicited RAs within 12 s").hasSize(2);
    byte[] ra = ras.get(0);
    assertThat(ra[0] & 0xff).isEqualTo(134);
    assertThat(ra[5] & 0xc0).as("M=1 O=1").isEqualTo(0xc0);
    assertThat(Dhcp6Message.u16(ra, 6)).as("router lifetime").isEqualTo(1200);
    String hex = HexFormat.of().formatHex(ra);
    // prefix information: type 3, length 4, /64, L=1 A=0, lifetimes, fd99::
    assertThat(hex)
        .contains("030440800001518000003840" + "00000000" + "fd990000000000000000000000000000");
    // RDNSS: type 25, length 3, lifetime 3 x 4 s, fd99::1
    assertThat(hex).contains("19030000" + "0000000c" + "fd990000000000000000000000000001");
    assertThat(server.counters().get("ra_sent_periodic")).isGreaterThanOrEqualTo(2);

    // The client's kernel takes us as its default router and makes no SLAAC address (A=0).
    String routes = net.in(net.client, "ip -6 route show default");
    assertThat(routes).contains("via fe80::").contains("proto ra");
    assertThat(net.in(net.client, "ip -6 addr show dev " + net.clientIf + " scope global"))
        .doesNotContain("fd99:");
  }

  @Test
  void rdisc6SolicitsAndIsAnswered() {
    startServer(RaConfig.off().withEnabled(true).withInterval(Duration.ofSeconds(1800)));
    listen(Duration.ofSeconds(2), 1); // the advertisement sent at start
    long periodic = server.counters().getOrDefault("ra_sent_periodic", 0L);
    NetnsHarness.Result r =
        net.run(net.client, Duration.ofSeconds(20), "rdisc6", "-1", "-w", "2000", net.clientIf);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .containsPattern("Stateful address conf\\.\\s*:\\s*Yes")
        .containsPattern("Stateful other conf\\.\\s*:\\s*Yes")
        .containsPattern("Router lifetime\\s*:\\s*1800 ")
        .containsPattern("Prefix\\s*: fd99::/64")
        .containsPattern("On-link\\s*:\\s*Yes")
        .containsPattern("Autonomous address conf\\.\\s*:\\s*No");
    assertThat(server.counters()).containsKey("ra_solicitations");
    assertThat(server.counters().get("ra_sent_solicited")).isGreaterThanOrEqualTo(1);
    assertThat(server.counters().get("ra_sent_periodic")).isEqualTo(periodic);
  }

  @Test
  void withoutCapNetRawStartSaysSoAndDhcp6StillAnswers() throws Exception {
    net = NetnsHarness.create();
    Net6Setup.enable(net);
    net.in(net.client, "ip -6 addr add fe80::99:8/64 dev " + net.clientIf + " nodad");
    Path log = dir.resolve("server.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        net.start(
            net.server,
            log,
            "setpriv",
            "--bounding-set",
            "-net_raw",
            "--",
            java,
            "-cp",
            System.getProperty("java.class.path"),
            Dhcp6Main.class.getName(),
            dir.resolve("dhcp/leases6.log").toString(),
            net.serverIf,
            "fd99::/64",
            "fd99::1000",
            "fd99::1fff",
            "ra");
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.readString(log).contains("ready")) {
      assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
      assertThat(System.nanoTime()).as("server start").isLessThan(end);
      Thread.sleep(100);
    }
    assertThat(Files.readString(log))
        .contains("router advertisements are OFF")
        .contains("cannot open a raw ICMPv6 socket")
        .contains("needs CAP_NET_RAW")
        .contains("static hosts are matched only by a DUID-LL/LLT or EUI-64");
    try (Client6 c = Client6.open(net, "fe80::99:8")) {
      Dhcp6Message r = c.exchange(solicit(uuid(70), 1, true)).orElseThrow();
      assertThat(r.type()).isEqualTo(Dhcp6Message.REPLY);
      assertThat(firstIa(r).addresses()).hasSize(1);
    }
    p.destroy();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }
}
