package org.airgap.dhcp;

import static org.airgap.dhcp.Requests.discover;
import static org.airgap.dhcp.Requests.ip;
import static org.airgap.dhcp.Requests.renew;
import static org.airgap.dhcp.Requests.select;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as its own process in the server namespace: {@code kill -9}, restart, same leases. */
class DhcpKillTest {
  static final Inet4Address RELAY = ip("10.99.0.2");
  static final InetSocketAddress SERVER = new InetSocketAddress(NetnsHarness.SERVER_ADDRESS, 67);

  @TempDir Path dir;
  NetnsHarness net;

  @AfterEach
  void tearDown() {
    if (net != null) {
      net.close();
    }
  }

  Process startServer(int n) throws Exception {
    return net.startJava(
        net.server,
        dir.resolve("server-" + n + ".log"),
        DhcpMain.class,
        dir.resolve("dhcp/leases4.log").toString(),
        net.serverIf,
        "10.99.0.0/24",
        "10.99.0.100",
        "10.99.0.200");
  }

  @Test
  void kill9AndRestartKeepsEveryLease() throws Exception {
    net = NetnsHarness.create();
    net.in(net.client, "ip addr add " + RELAY.getHostAddress() + "/24 dev " + net.clientIf);
    Process first = startServer(1);
    Map<String, Inet4Address> bound = new LinkedHashMap<>();
    net.call(
        net.client,
        () -> {
          try (RelayClient relay = new RelayClient(RELAY, SERVER)) {
            for (int i = 1; i <= 5; i++) {
              String mac = "52:54:00:88:00:0" + i;
              DhcpPacket offer = relay.exchange(discover(mac, RELAY)).orElseThrow();
              DhcpPacket ack =
                  relay.exchange(select(mac, RELAY, serverAddress(), offer.yiaddr())).orElseThrow();
              assertThat(ack.type()).contains(MessageType.ACK);
              bound.put(mac, ack.yiaddr());
            }
          }
          return null;
        });
    assertThat(bound.values()).doesNotHaveDuplicates().hasSize(5);

    first.destroyForcibly(); // SIGKILL: ip netns exec has exec'ed into the JVM
    assertThat(first.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(DhcpServer.readLeases(dir.resolve("dhcp/leases4.log")))
        .extracting(Lease::address)
        .containsExactlyInAnyOrderElementsOf(bound.values());

    startServer(2);
    net.call(
        net.client,
        () -> {
          try (RelayClient relay = new RelayClient(RELAY, SERVER)) {
            for (Map.Entry<String, Inet4Address> e : bound.entrySet()) {
              DhcpPacket ack = relay.exchange(renew(e.getKey(), RELAY, e.getValue())).orElseThrow();
              assertThat(ack.type()).contains(MessageType.ACK);
              assertThat(ack.yiaddr()).isEqualTo(e.getValue());
            }
            DhcpPacket offer = relay.exchange(discover("52:54:00:88:00:09", RELAY)).orElseThrow();
            assertThat(bound.values()).doesNotContain(offer.yiaddr());
          }
          return null;
        });
  }

  static Inet4Address serverAddress() {
    return ip(NetnsHarness.SERVER_ADDRESS);
  }
}
