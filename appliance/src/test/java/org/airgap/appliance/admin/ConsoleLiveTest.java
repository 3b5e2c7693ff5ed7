package org.airgap.appliance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.dhcp.NetnsHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the console shows when the site changes under it, in a real browser (Debian's chromium
 * through /usr/bin/chromedriver): the whole appliance runs inside a network namespace of the test's
 * own with DHCP on a veth, its data dir on a 16 MiB tmpfs the test mounts; the browser on the host
 * reaches the admin listener through a relay on the host's loopback. A DHCP exchange by Debian's
 * dhclient (its own script and lease file, in the other namespace) makes the lease appear in the
 * page; a service that fails and a data dir filled above 90 % raise their banners, in the page and
 * in {@code /api/status}, and the disk banner goes when the space comes back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleLiveTest {
  /** What the issue asks: changes appear within two seconds without a reload. */
  static final Duration LIVE = Duration.ofSeconds(2);

  static final String MAC = "52:54:00:99:00:07";

  @TempDir static Path dir;
  static Path var;
  static boolean mounted;
  static NetnsHarness net;
  static Appliance appliance;
  static String admin;
  static ChromeDriverService service;
  static WebDriver browser;
  static Path screenshots;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    var = Files.createDirectories(dir.resolve("var"));
    sh("mount -t tmpfs -o size=16m,mode=0750 airgap-test " + var);
    mounted = true;
    net = NetnsHarness.create();
    String yaml =
        "data-dir: "
            + var
            + "\n"
            + "site:\n"
            + "  domain: example.com\n"
            + "  addresses: [192.168.126.1]\n"
            + "  hostnames: [registry.example.com]\n"
            + "registry: { listen: [\"127.0.0.1:0\"] }\n"
            + "websrv: { listen: [\"127.0.0.1:0\"] }\n"
            + "dns: { listen: [\"127.0.0.1:0\"] }\n"
            + "redfish: { listen: [\"127.0.0.1:0\"] }\n"
            + "admin: { listen: [\"127.0.0.1:0\"] }\n"
            + "dhcp:\n"
            + "  enabled: true\n"
            + "  interfaces: ["
            + net.serverIf
            + "]\n"
            + "  ranges: [{ start: 10.99.0.100, end: 10.99.0.109 }]\n"
            + "  hosts: [{ mac: \""
            + MAC
            + "\", address: 10.99.0.77, name: node-7 }]\n";
    appliance = new Appliance(ConfigLoader.parse(yaml, "airgap.yaml"));
    net.call(
        net.server,
        () -> {
          appliance.start();
          return null;
        });
    InetSocketAddress inside = appliance.service("admin").addresses().get(0);
    InetSocketAddress outside = net.forward(net.server, inside);
    admin = "http://127.0.0.1:" + outside.getPort() + "/";

    Path target =
        Path.of(ConsoleLiveTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .getParent();
    screenshots = Files.createDirectories(target.resolve("screenshots"));
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    ChromeOptions o = new ChromeOptions();
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1600",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    browser = new ChromeDriver(service, o);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    browser.get(admin);
    waiting(Duration.ofSeconds(10))
        .until(b -> !b.findElement(By.id("dhcp-summary")).getText().isEmpty());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (appliance != null) {
      appliance.close();
    }
    if (net != null) {
      net.close();
    }
    if (mounted) {
      sh("umount " + var + " || umount -l " + var);
    }
  }

  static void sh(String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(command + ": " + out);
    }
  }

  static WebDriverWait waiting(Duration d) {
    WebDriverWait w = new WebDriverWait(browser, d);
    w.pollingEvery(Duration.ofMillis(100));
    return w;
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  static JsonNode api(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(admin + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }

  static void shoot(String name) throws Exception {
    Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  @Order(1)
  void aDhcpExchangeMakesTheLeaseAppear() throws Exception {
    assertThat(text("dhcp-leases")).contains("No leases.").doesNotContain(MAC);
    Path events = net.dhclient(Files.createDirectories(dir.resolve("dhclient")), MAC);
    assertThat(Files.readString(events))
        .contains("reason=BOUND", "new_ip_address=10.99.0.77", "new_host_name=node-7");
    waiting(LIVE).until(b -> b.findElement(By.id("dhcp-leases")).getText().contains(MAC));
    assertThat(text("dhcp-leases")).contains("10.99.0.77").contains("node-7");
    JsonNode dhcp = api("api/dhcp");
    assertThat(dhcp.path("leases").toString()).contains(MAC, "10.99.0.77", "node-7");
    browser.findElement(By.id("dhcp-leases")).getLocation(); // the section is on the page
    ((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript("document.getElementById('dhcp-leases').scrollIntoView()");
    shoot("dhcp-lease");
  }

  @Test
  @Order(2)
  void aFailedServiceRaisesTheBanner() throws Exception {
    assertThat(text("banners")).doesNotContain("failed");
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
    appliance.failed("dns", new BindException("Address already in use"));
    waiting(LIVE).until(b -> b.findElement(By.id("banners")).getText().contains("dns failed"));
    assertThat(text("banners")).contains("dns failed: Address already in use");
    JsonNode status = api("api/status");
    assertThat(status.path("warnings").toString()).contains("dns failed");
    assertThat(status.path("ready").asBoolean()).isFalse();
    for (JsonNode s : status.path("services")) {
      if (s.path("name").asText().equals("dns")) {
        assertThat(s.path("state").asText()).isEqualTo("failed");
      } else {
        assertThat(s.path("state").asText()).as(s.toString()).isEqualTo("running");
      }
    }
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create(admin + "readyz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(503);
    shoot("banner-failed");
  }

  @Test
  @Order(3)
  void aDataDirAbove90PercentRaisesTheBannerUntilSpaceComesBack() throws Exception {
    assertThat(text("banners")).doesNotContain("% full");
    FileStore fs = Files.getFileStore(var);
    long total = fs.getTotalSpace();
    long fill = (long) (total * 0.95) - (total - fs.getUsableSpace());
    Path filler = var.resolve("filler.bin");
    try (FileChannel ch =
        FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
      for (long done = 0; done < fill; ) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), fill - done));
        done += ch.write(zeros);
      }
    }
    waiting(LIVE).until(b -> b.findElement(By.id("banners")).getText().contains("% full"));
    assertThat(text("banners")).contains("disk of " + var + " is 9");
    JsonNode status = api("api/status");
    assertThat(status.path("disk").path("usedPercent").asDouble()).isGreaterThan(90);
    assertThat(status.path("warnings").toString()).contains("disk of " + var);
    shoot("banner-disk");

    Files.delete(filler);
    waiting(LIVE).until(b -> !b.findElement(By.id("banners")).getText().contains("% full"));
    assertThat(api("api/status").path("warnings").toString()).doesNotContain("% full");
  }
}
