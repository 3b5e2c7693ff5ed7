package org.airgap.appliance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.services.DhcpUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The site spec feeds the running appliance: DNS answers the clusters' names, DHCP knows workers.
 */
class ClusterFeedsTest {

  @Test
  void dnsAnswersTheHostedClustersNamesAndDhcpKnowsTheWorkers(@TempDir Path dir) throws Exception {
    ClusterRendererTest.site(dir, "dual");
    String yaml = ClusterRendererTest.spec(dir, "dual") + TestSites.LOOPBACK;
    AirgapConfig cfg = ConfigLoader.parse(yaml, "airgap.yaml");
    try (Appliance a = new Appliance(cfg)) {
      a.start();
      InetSocketAddress dns = a.service("dns").addresses().get(0);
      SimpleResolver r = new SimpleResolver(dns);
      r.setTimeout(Duration.ofSeconds(5));
      assertThat(a(r, "api.hosted-dual.dns.base.domain.name."))
          .containsExactly(InetAddress.getByName("192.168.126.10"));
      assertThat(a(r, "api-int.hosted-dual.dns.base.domain.name."))
          .containsExactly(InetAddress.getByName("192.168.126.10"));
      assertThat(a(r, "console-openshift-console.apps.hosted-dual.dns.base.domain.name."))
          .containsExactly(InetAddress.getByName("192.168.126.11"));
      // the wildcard has no AAAA: NODATA, not NXDOMAIN
      Message aaaa =
          r.send(
              Message.newQuery(
                  Record.newRecord(
                      Name.fromString("x.apps.hosted-dual.dns.base.domain.name."),
                      Type.AAAA,
                      DClass.IN)));
      assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();

      // the console's /api/cluster: phases, their objects, and what apply recorded
      java.nio.file.Files.createDirectories(dir.resolve("var/state"));
      java.nio.file.Files.writeString(
          dir.resolve("var/state/cluster.json"), "{\"applied\":[\"trust\",\"mirror\"]}");
      String admin = a.service("admin").urls().get(0);
      var body =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "api/cluster"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
      assertThat(json.path("configured").asBoolean()).as(body).isTrue();
      assertThat(json.path("phases")).hasSize(7);
      assertThat(json.path("phases").get(0).path("state").asText()).isEqualTo("applied");
      assertThat(json.path("phases").get(3).path("name").asText()).isEqualTo("hosted");
      assertThat(json.path("phases").get(3).path("state").asText()).isEqualTo("pending");
      assertThat(json.path("phases").get(3).path("objects").toString())
          .contains("HostedCluster clusters/hosted-dual", "NodePool clusters/hosted-dual");
      assertThat(json.path("phases").get(5).path("objects").toString())
          .contains("BareMetalHost clusters-hosted-dual/hosted-dual-worker2");
      // and the workers, each with its machine behind the Redfish facade
      assertThat(json.path("workers").findValuesAsText("name"))
          .containsExactly("hosted-dual-worker0", "hosted-dual-worker1", "hosted-dual-worker2");
      assertThat(json.path("workers").findValuesAsText("bmc")).containsOnly("present");
      assertThat(json.path("workers").get(0).path("mac").asText())
          .isEqualTo(ClusterFeeds.machines(cfg).get(0).mac());
      assertThat(json.path("workers").get(0).path("power").asText()).isIn("On", "Off");
      try (java.io.InputStream in =
          org.airgap.appliance.admin.AdminServer.class.getResourceAsStream(
              "/schemas/api/cluster.json")) {
        var schema =
            com.networknt.schema.SchemaRegistry.withDefaultDialect(
                    com.networknt.schema.SpecificationVersion.DRAFT_7)
                .getSchema(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(schema.validate(json)).as("/api/cluster against its schema").isEmpty();
      }
    }
    var built = DhcpUnit.build(cfg, org.airgap.dns.dnsmasq.DnsmasqParser.system().parse(List.of()));
    String text = built.toString();
    for (ClusterFeeds.Machine m : ClusterFeeds.machines(cfg)) {
      assertThat(text).contains(m.mac()).contains(m.name());
    }
    assertThat(ClusterFeeds.machines(cfg)).hasSize(3);
  }

  static List<InetAddress> a(SimpleResolver r, String name) throws Exception {
    Message m =
        r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
    assertThat(m.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
    return m.getSection(Section.ANSWER).stream().map(x -> ((ARecord) x).getAddress()).toList();
  }
}
