package org.airgap.dhcp.v6;

import static org.airgap.dhcp.v6.Client6.*;
import static org.airgap.dhcp.v6.Dhcp6Message.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.airgap.dhcp.NetnsHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DHCPv6 server as its own process: {@code kill -9}, restart, the same bindings. */
class Dhcp6KillTest {
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
        Dhcp6Main.class,
        dir.resolve("dhcp/leases6.log").toString(),
        net.serverIf,
        "fd99::/64",
        "fd99::1000",
        "fd99::1fff");
  }

  @Test
  void kill9AndRestartKeepsEveryBinding() throws Exception {
    net = NetnsHarness.create();
    Net6Setup.enable(net);
    net.in(net.client, "ip -6 addr add fe80::99:7/64 dev " + net.clientIf + " nodad");
    Process first = startServer(1);
    Map<Duid, Inet6Address> bound = new LinkedHashMap<>();
    Duid serverId;
    try (Client6 c = Client6.open(net, "fe80::99:7")) {
      Duid sid = null;
      for (int i = 1; i <= 5; i++) {
        Duid d = uuid(40 + i);
        Dhcp6Message r = c.exchange(solicit(d, 1, true)).orElseThrow();
        assertThat(r.type()).isEqualTo(REPLY);
        bound.put(d, firstIa(r).addresses().get(0));
        sid = r.serverId().orElseThrow();
      }
      serverId = sid;
    }
    assertThat(bound.values()).doesNotHaveDuplicates().hasSize(5);

    first.destroyForcibly(); // SIGKILL: ip netns exec has exec'ed into the JVM
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Dhcp6Server.readLeases(dir.resolve("dhcp/leases6.log")))
        .extracting(Lease6::address)
        .containsExactlyInAnyOrderElementsOf(bound.values());

    startServer(2);
    try (Client6 c = Client6.open(net, "fe80::99:7")) {
      for (Map.Entry<Duid, Inet6Address> e : bound.entrySet()) {
        Dhcp6Message r =
            c.exchange(withServer(RENEW, e.getKey(), serverId, 1, e.getValue())).orElseThrow();
        assertThat(r.serverId()).as("the same server DUID after a restart").contains(serverId);
        assertThat(firstIa(r).addresses()).containsExactly(e.getValue());
        assertThat(firstIa(r).valid()).containsExactly(3600L);
      }
      Dhcp6Message fresh = c.exchange(solicit(uuid(49), 1, false)).orElseThrow();
      assertThat(bound.values()).doesNotContain(firstIa(fresh).addresses().get(0));
    }
  }
}
