package org.airgap.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressesTest {
  @Test
  void urlHostsBracketIpv6Only() {
    Urls urls =
        new Urls(
            new Site("example.com", java.util.List.of(), java.util.List.of(), "2620:52:0:1306::1"));
    assertThat(urls.hostPort(null, 5000)).isEqualTo("[2620:52:0:1306::1]:5000");
    urls =
        new Urls(
            new Site("example.com", java.util.List.of(), java.util.List.of(), "192.168.126.1"));
    assertThat(urls.base(true, null, 9000)).isEqualTo("https://192.168.126.1:9000");
    urls =
        new Urls(
            new Site(
                "example.com", java.util.List.of(), java.util.List.of(), "registry.example.com"));
    assertThat(urls.base(false, null, 8080)).isEqualTo("http://registry.example.com:8080");
    assertThat(urls.hostPort("lb.example.com:443", 5000)).isEqualTo("lb.example.com:443");
    assertThat(urls.hostPort("[fd00::1]:443", 5000)).isEqualTo("[fd00::1]:443");
  }

  @Test
  void ipv6TextIsCanonical() {
    assertThat(Addresses.text(Addresses.literal("2620:52:0:1306:0:0:0:1")))
        .isEqualTo("2620:52:0:1306::1");
    assertThat(Addresses.text(Addresses.literal("::1"))).isEqualTo("::1");
    assertThat(Addresses.text(Addresses.literal("fd00:0:0:1::"))).isEqualTo("fd00:0:0:1::");
  }

  @Test
  void namesNeverResolve() {
    assertThat(Addresses.isLiteral("localhost")).isFalse();
    assertThat(Addresses.isLiteral("registry.example.com")).isFalse();
    assertThat(Addresses.isLiteral("10.0.0.1")).isTrue();
  }
}
