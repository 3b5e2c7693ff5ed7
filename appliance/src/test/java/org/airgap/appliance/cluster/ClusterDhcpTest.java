package org.airgap.appliance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.services.DhcpUnit;
import org.airgap.dhcp.Lease;
import org.airgap.dhcp.NetnsHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.SimpleResolver;

/**
 * The site spec's workers really get their DHCP host: the whole appliance runs inside a network
 * namespace of the test's own, Debian's dhclient (with the test's own script and lease file) runs
 * in another one behind a veth with a worker's MAC and is answered with the worker's name, the site
 * domain and an address; the lease is the appliance's, and its DNS answers the worker's name with
 * that address. A MAC the spec does not know gets a range address without a worker's name.
 */
class ClusterDhcpTest {

  @Test
  void aWorkersMacGetsItsNameAndTheNameResolves(@TempDir Path dir) throws Exception {
    ClusterRendererTest.site(dir, "dual");
    try (NetnsHarness net = NetnsHarness.create()) {
      String yaml =
          ClusterRendererTest.spec(dir, "dual")
              + TestSites.LOOPBACK
              + "dhcp:\n"
              + "  enabled: true\n"
              + "  interfaces: ["
              + net.serverIf
              + "]\n"
              + "  ranges: [{ start: 10.99.0.100, end: 10.99.0.109 }]\n";
      AirgapConfig cfg = ConfigLoader.parse(yaml, "airgap.yaml");
      String domain = "dns.base.domain.name";
      String worker = "hosted-dual-worker1";
      String mac = Machines.mac(domain, worker);
      try (Appliance a = new Appliance(cfg)) {
        net.call(
            net.server,
            () -> {
              a.start();
              return null;
            });
        DhcpUnit dhcp = (DhcpUnit) a.service("dhcp");

        Path events = net.dhclient(Files.createDirectories(dir.resolve("w1")), mac);
        String log = Files.readString(events);
        assertThat(log)
            .contains("reason=BOUND")
            .contains("new_host_name=" + worker)
            .contains("new_domain_name=" + domain)
            .contains("new_routers=" + NetnsHarness.SERVER_ADDRESS)
            .containsPattern("new_ip_address=10\\.99\\.0\\.10[0-9]\\b");
        Lease lease =
            dhcp.leases().stream()
                .filter(l -> l.mac().text().equals(mac))
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError("no lease for " + mac + ": " + dhcp.leases()));
        assertThat(lease.hostname()).contains(worker);
        assertThat(log).contains("new_ip_address=" + lease.address().getHostAddress());

        // the appliance's DNS answers the worker's name with its lease
        InetSocketAddress dns = a.service("dns").addresses().get(0);
        List<InetAddress> answer =
            net.call(
                net.server,
                () -> {
                  SimpleResolver r = new SimpleResolver(dns);
                  r.setTimeout(Duration.ofSeconds(5));
                  return ClusterFeedsTest.a(r, worker + "." + domain + ".");
                });
        assertThat(answer).containsExactly(lease.address());

        // a MAC the spec does not know: a range address, and no worker's name
        Path other =
            net.dhclient(Files.createDirectories(dir.resolve("other")), "52:54:00:99:77:01");
        String otherLog = Files.readString(other);
        assertThat(otherLog).contains("reason=BOUND").doesNotContain("new_host_name=hosted-dual");
        assertThat(dhcp.leases()).hasSize(2);
      }
    }
  }
}
