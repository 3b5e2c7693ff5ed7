package org.airgap.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  /** A broken config and what its error must say (file:line:column: key path, message). */
  record Case(String name, String yaml, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> broken() {
    return Stream.of(
        new Case(
            "unknown top-level key",
            "data-dir: /tmp/x\nregistyr:\n  tls: false\n",
            "a.yaml:2:1: registyr: unknown key (hint: did you mean 'registry'?"),
        new Case(
            "unknown nested key",
            "registry:\n  tls: false\n  listn: [\"[::]:5000\"]\n",
            "a.yaml:3:3: registry.listn: unknown key (hint: did you mean 'listen'?"),
        new Case(
            "wrong type",
            "registry:\n  tls: maybe\n",
            "a.yaml:2:3: registry.tls: wrong type, expected a boolean"),
        new Case(
            "list expected",
            "site:\n  addresses: 10.0.0.1\n",
            "a.yaml:2:3: site.addresses: wrong type, expected a list"),
        new Case(
            "bad listen address",
            "websrv:\n  listen: [\"[::]:99999\"]\n",
            "a.yaml:2:12: websrv.listen[0]: port 99999 is out of range 0-65535"),
        new Case(
            "IPv4 in brackets",
            "websrv:\n  listen: [\"[10.0.0.1]:8080\"]\n",
            "websrv.listen[0]: '[10.0.0.1]:8080': brackets are for IPv6 literals only"),
        new Case(
            "IPv6 without brackets",
            "dns:\n  listen:\n    - \"::1:1053\"\n",
            "a.yaml:3:7: dns.listen[0]: '::1:1053': an IPv6 address must be in brackets"),
        new Case(
            "bad site address",
            "site:\n  addresses:\n    - 192.168.126.1\n    - 300.1.1.1\n",
            "a.yaml:4:7: site.addresses[1]: '300.1.1.1' is not an IPv4 address"),
        new Case(
            "two services on one port",
            "registry:\n  listen: [\"[::]:8080\"]\n",
            "websrv.listen[0]: port 8080 is also used by registry.listen[0] (hint: give each"),
        new Case("duplicate key", "registry:\n  tls: true\n  tls: false\n", "a.yaml:3:"),
        new Case(
            "wildcard on 53",
            "dns:\n  listen: [\"[::]:53\"]\n",
            "a.yaml:2:12: dns.listen[0]: the wildcard address on port 53 collides"),
        new Case(
            "bad driver",
            "redfish:\n  driver: ipmi\n",
            "a.yaml:2:3: redfish.driver: unknown driver 'ipmi' (hint: one of: memory, libvirt)"),
        new Case(
            "not YAML", "registry: [\n", "a.yaml:1:12: not valid YAML: while parsing a flow node"));
  }

  @ParameterizedTest
  @MethodSource("broken")
  void namesFileLineAndKey(Case c) {
    assertThatThrownBy(() -> ConfigLoader.parse(c.yaml(), "a.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(c.expected());
  }

  @Test
  void defaultsAreTheDevDefaults() {
    AirgapConfig c = ConfigLoader.defaults();
    assertThat(c.dataDir()).isEqualTo(Path.of("./var"));
    assertThat(c.registry().listen()).containsExactly(ListenAddress.parse("[::]:5000"));
    assertThat(c.websrv().listen()).containsExactly(ListenAddress.parse("[::]:8080"));
    assertThat(c.dns().listen()).containsExactly(ListenAddress.parse("[::]:1053"));
    assertThat(c.redfish().listen()).containsExactly(ListenAddress.parse("[::]:9000"));
    assertThat(c.admin().listen()).containsExactly(ListenAddress.parse("127.0.0.1:9180"));
    assertThat(c.dhcp().enabled()).isFalse();
    assertThat(c.registry().tls()).isTrue();
    assertThat(c.redfish().driver()).isEqualTo("memory");
    assertThat(c.websrvRoot()).isEqualTo(Path.of("./var/srv"));
    assertThat(c.site().hostname()).isEqualTo("registry.airgap.test");
  }

  @Test
  void siteHostnameDefaultsToTheFirstHostname() {
    AirgapConfig c =
        ConfigLoader.parse(
            "site:\n  domain: example.com\n  hostnames: [bastion.example.com, r.example.com]\n",
            "a.yaml");
    assertThat(c.site().hostname()).isEqualTo("bastion.example.com");
  }

  @Test
  void portZeroNeverClashes() {
    AirgapConfig c =
        ConfigLoader.parse(
            "registry: {listen: [\"127.0.0.1:0\"]}\nwebsrv: {listen: [\"127.0.0.1:0\"]}\n",
            "a.yaml");
    assertThat(c.registry().listen().get(0).port()).isZero();
  }

  @Test
  void sameHostDifferentAddressesDoNotClash() {
    AirgapConfig c =
        ConfigLoader.parse(
            "registry: {listen: [\"127.0.0.1:7000\"]}\nwebsrv: {listen: [\"127.0.0.2:7000\"]}\n",
            "a.yaml");
    assertThat(c.websrv().listen().get(0).toString()).isEqualTo("127.0.0.2:7000");
  }

  @Test
  void emptyFileIsTheDefaults() {
    assertThat(ConfigLoader.parse("", "a.yaml")).isEqualTo(ConfigLoader.defaults());
  }

  @Test
  void shortRegistryDurationsAreKept() {
    AirgapConfig c =
        ConfigLoader.parse("registry:\n  gc: { grace: 0s, schedule: 90s }\n", "a.yaml");
    assertThat(c.registry().upkeep().gcGrace()).isEqualTo(java.time.Duration.ZERO);
    assertThat(c.registry().upkeep().gcInterval()).contains(java.time.Duration.ofSeconds(90));
    assertThatThrownBy(() -> ConfigLoader.parse("registry:\n  gc: { schedule: 30s }\n", "a.yaml"))
        .hasMessageContaining("registry.gc.schedule: at least 1m");
  }
}
