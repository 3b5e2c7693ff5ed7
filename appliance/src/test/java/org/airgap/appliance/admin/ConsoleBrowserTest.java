package org.airgap.appliance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.TestSites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's chromium through /usr/bin/chromedriver) against the real
 * appliance on port 0. One browser for the class; the tests run in order, as an operator would:
 * look, push an image with skopeo, log in, power a machine, eject media, then the defences.
 * Screenshots of each section go to {@code <target>/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  /** What the issue asks: changes appear within two seconds without a reload. */
  static final Duration LIVE = Duration.ofSeconds(2);

  @TempDir static Path dir;
  static Appliance appliance;
  static String admin;
  static String password;
  static ChromeDriverService service;
  static WebDriver browser;
  static Path screenshots;

  @BeforeAll
  static void start() throws Exception {
    appliance = new Appliance(TestSites.config(dir));
    appliance.start();
    admin = appliance.service("admin").urls().get(0);
    password = Files.readString(dir.resolve("admin-password")).strip();
    Path target =
        Path.of(
                ConsoleBrowserTest.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI())
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
        "--window-size=1280,2200",
        // a DNS-rebinding attacker's name that resolves to the appliance
        "--host-resolver-rules=MAP rebind.example.net 127.0.0.1",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    browser = new ChromeDriver(service, o);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (appliance != null) {
      appliance.close();
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

  static List<String> severe() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER).getAll()) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        out.add(e.getMessage());
      }
    }
    return out;
  }

  static void shoot(String name, String sectionId) throws Exception {
    WebElement e = browser.findElement(By.id(sectionId));
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", e);
    File f = e.getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  @Order(1)
  void everySectionShowsTheServicesWithoutErrors() throws Exception {
    browser.get(admin);
    waiting(Duration.ofSeconds(15))
        .until(
            ExpectedConditions.textMatches(
                By.id("updated"), java.util.regex.Pattern.compile("^Live")));
    assertThat(browser.getTitle()).isEqualTo("airgap console");
    // overview: each service running, the CA fingerprint, the certificates
    String services = text("services");
    for (String s : List.of("admin", "dns", "websrv", "registry", "redfish")) {
      assertThat(services).contains(s);
    }
    assertThat(services).contains("running").doesNotContain("failed");
    assertThat(text("facts")).contains(appliance.context().pki().caFingerprint());
    assertThat(text("certificates")).contains("registry", "ca");
    // DNS: the site's records; DHCP: off
    assertThat(text("dns-records")).contains("registry.example.com", "192.168.126.1");
    assertThat(text("dhcp-summary")).contains("DHCP is off");
    // BMC: the memory driver's machines; actions wait for a login
    assertThat(text("bmc-machines")).contains("vm-0", "vm-1", "vm-2");
    assertThat(browser.findElement(By.id("power-on-vm-1")).isEnabled()).isFalse();
    assertThat(browser.findElement(By.id("logged-in")).isDisplayed()).isFalse();
    // cluster: the placeholder without a site spec
    assertThat(text("cluster-body")).contains("No site spec is configured");
    assertThat(text("registry-tags")).contains("No images yet");
    assertThat(severe()).as("browser console errors").isEmpty();
    shoot("overview", "overview");
    shoot("dns-dhcp", "dns");
    shoot("cluster", "cluster");
  }

  @Test
  @Order(2)
  void anImagePushedWithSkopeoAppearsLive() throws Exception {
    Path layout = ociLayout(dir.resolve("oci"));
    Path certs = Files.createDirectories(dir.resolve("certs"));
    Files.copy(appliance.context().pki().caFile(), certs.resolve("ca.crt"));
    int port = appliance.service("registry").addresses().get(0).getPort();
    Process p =
        new ProcessBuilder(
                "skopeo",
                "copy",
                "--dest-creds",
                "admin:" + password,
                "--dest-cert-dir",
                certs.toString(),
                "oci:" + layout + ":latest",
                "docker://127.0.0.1:" + port + "/console/demo:1.0")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    waiting(LIVE)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("registry-tags"), "console/demo"));
    String row = text("registry-tags");
    assertThat(row).contains("1.0", "sha256:");
    // the table filters: a word that matches no row leaves none
    WebElement filter = browser.findElement(By.id("registry-tags-filter"));
    filter.sendKeys("no-such-repository");
    assertThat(text("registry-tags")).contains("No row matches").doesNotContain("console/demo");
    filter.clear();
    filter.sendKeys("demo");
    assertThat(text("registry-tags")).contains("console/demo");
    // a mirror run published by the CLI shows too
    Path mirror = Files.createDirectories(dir.resolve("state/mirror"));
    Files.writeString(
        mirror.resolve("run.json"),
        "{\"state\":\"running\",\"images\":40,\"imagesDone\":12,\"bytes\":73400320,\"failures\":1}");
    waiting(LIVE)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(By.id("mirror-runs"), "run.json"));
    assertThat(text("mirror-runs")).contains("imagesDone", "12", "70.0 MiB");
    assertThat(severe()).isEmpty();
    shoot("registry", "registry");
    shoot("images", "images");
  }

  @Test
  @Order(3)
  void loggedInPowerAndEjectChangeThePageAndRedfish() throws Exception {
    browser.findElement(By.id("login-user")).sendKeys("admin");
    browser.findElement(By.id("login-password")).sendKeys(password);
    browser.findElement(By.id("login-button")).click();
    waiting(Duration.ofSeconds(5))
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("logged-in")));
    assertThat(text("user-name")).isEqualTo("admin");
    assertThat(browser.findElement(By.id("login-form")).isDisplayed()).isFalse();
    // the session cookie is HttpOnly: page scripts cannot read it
    Object cookies = ((JavascriptExecutor) browser).executeScript("return document.cookie");
    assertThat(String.valueOf(cookies)).doesNotContain(AdminServer.COOKIE);

    String before = redfish("vm-1").path("PowerState").asText();
    String button = before.equals("On") ? "power-off-vm-1" : "power-on-vm-1";
    String expected = before.equals("On") ? "Off" : "On";
    waiting(LIVE).until(ExpectedConditions.elementToBeClickable(By.id(button))).click();
    waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBe(By.id("power-vm-1"), expected));
    assertThat(redfish("vm-1").path("PowerState").asText()).isEqualTo(expected);

    // media inserted through Redfish (what Ironic does) shows up; Eject in the page empties it
    int status =
        redfishPost(
            "/redfish/v1/Managers/vm-1/VirtualMedia/Cd/Actions/VirtualMedia.InsertMedia",
            "{\"Image\":\"http://registry.example.com:8080/images/agent.iso\"}");
    assertThat(status).isBetween(200, 204);
    waiting(LIVE).until(ExpectedConditions.textToBe(By.id("media-vm-1"), "agent.iso"));
    shoot("bmc", "bmc");
    waiting(LIVE).until(ExpectedConditions.elementToBeClickable(By.id("eject-vm-1"))).click();
    waiting(LIVE).until(ExpectedConditions.textToBe(By.id("media-vm-1"), "empty"));
    assertThat(
            AdminApiTest.JSON
                .readTree(redfishGet("/redfish/v1/Managers/vm-1/VirtualMedia/Cd"))
                .path("Inserted")
                .asBoolean())
        .isFalse();
    assertThat(severe()).isEmpty();
  }

  @Test
  @Order(4)
  void axeFindsNoSeriousAccessibilityViolations() throws Exception {
    Results r =
        new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21aa")).analyze(browser);
    List<String> serious = new ArrayList<>();
    for (Rule v : r.getViolations()) {
      if ("serious".equals(v.getImpact()) || "critical".equals(v.getImpact())) {
        serious.add(v.getId() + ": " + v.getHelp() + " " + v.getNodes().size() + " nodes");
      }
    }
    assertThat(serious).isEmpty();
    assertThat(r.getPasses()).isNotEmpty();
    File page = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(
        page.toPath(), screenshots.resolve("console.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  @Order(5)
  void theCspBlocksInlineScriptAndLogoutDisablesActions() throws Exception {
    severe(); // drain
    ((JavascriptExecutor) browser)
        .executeScript(
            "const s = document.createElement('script');"
                + " s.textContent = 'document.title = \"injected\"';"
                + " document.body.appendChild(s);");
    Thread.sleep(300);
    assertThat(browser.getTitle()).isEqualTo("airgap console");
    assertThat(String.join("\n", severe())).contains("Content Security Policy");

    browser.findElement(By.id("logout-button")).click();
    waiting(Duration.ofSeconds(5))
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    waiting(LIVE).until(d -> !d.findElement(By.id("power-on-vm-0")).isEnabled());
    // a forged action from the page's own origin without the CSRF token is refused
    Object forged =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + " fetch('/api/bmc/vm-0/power', {method: 'POST',"
                    + " headers: {'Content-Type': 'application/json'}, body: '{\"reset\":\"On\"}'})"
                    + " .then(r => done(r.status));");
    assertThat(((Number) forged).intValue()).isEqualTo(401);
  }

  @Test
  @Order(6)
  void aRebindingNameIsRefused() throws Exception {
    int port = appliance.service("admin").addresses().get(0).getPort();
    browser.get("http://rebind.example.net:" + port + "/api/status");
    String body = browser.findElement(By.tagName("body")).getText();
    assertThat(body).contains("MISDIRECTED_REQUEST").doesNotContain("caFingerprint");
    assertThat(body).doesNotContain(appliance.context().pki().caFingerprint());
  }

  // ---- helpers: a tiny OCI layout for skopeo, and Redfish over the JDK client --------------

  static Path ociLayout(Path root) throws Exception {
    Path blobs = Files.createDirectories(root.resolve("blobs/sha256"));
    byte[] layer = "console demo layer".getBytes(StandardCharsets.UTF_8);
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
            .getBytes(StandardCharsets.UTF_8);
    String l = put(blobs, layer);
    String c = put(blobs, config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"sha256:"
                + c
                + "\",\"size\":"
                + config.length
                + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"sha256:"
                + l
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    String m = put(blobs, manifest);
    Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(
        root.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\"sha256:"
            + m
            + "\",\"size\":"
            + manifest.length
            + ","
            + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}");
    return root;
  }

  static String put(Path blobs, byte[] b) throws Exception {
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    Files.write(blobs.resolve(hex), b);
    return hex;
  }

  static String redfishBase() {
    return "https://127.0.0.1:" + appliance.service("redfish").addresses().get(0).getPort();
  }

  static com.fasterxml.jackson.databind.JsonNode redfish(String machine) throws Exception {
    return AdminApiTest.JSON.readTree(redfishGet("/redfish/v1/Systems/" + machine));
  }

  static String redfishGet(String path) throws Exception {
    HttpClient http = TestSites.client(appliance.context().pki());
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(redfishBase() + path))
                .header("Authorization", basic())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  static int redfishPost(String path, String body) throws Exception {
    HttpClient http = TestSites.client(appliance.context().pki());
    return http.send(
            HttpRequest.newBuilder(URI.create(redfishBase() + path))
                .header("Authorization", basic())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static String basic() {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
  }
}
