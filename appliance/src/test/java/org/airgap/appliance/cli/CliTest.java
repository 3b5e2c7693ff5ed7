package org.airgap.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.airgap.appliance.Appliance;
import org.airgap.appliance.Main;
import org.airgap.appliance.TestSites;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.config.ConfigSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI in-process: verify, config-schema, ca, user. */
public class CliTest {
  static final Path EXAMPLE = Path.of("..", "airgap.example.yaml");

  /** What one CLI run printed and returned. */
  public record Run(int code, String out, String err) {}

  public static synchronized Run run(String stdin, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter cliErr = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(cliErr, true));
      int code = cl.execute(args);
      return new Run(
          code,
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8) + cliErr);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
    }
  }

  @Test
  void verifyAgreesWithServe(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, TestSites.yaml(dir.resolve("var")));
    assertThat(run("", "verify", good.toString()).code()).isZero();

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        "data-dir: "
            + dir.resolve("var")
            + "\nregistry:\n  listen: [\"[::]:8080\"]\n  tsl: true\n");
    Run verify = run("", "verify", bad.toString());
    Run serve = run("", "serve", "--config", bad.toString());
    assertThat(verify.code()).isEqualTo(2);
    assertThat(serve.code()).isEqualTo(2);
    assertThat(verify.err())
        .contains(bad + ":4:3: registry.tsl: unknown key (hint: did you mean 'tls'?");
    assertThat(serve.err()).isEqualTo(verify.err());
    assertThat(dir.resolve("var")).doesNotExist(); // nothing started, nothing written
  }

  @Test
  void exampleValidatesAgainstTheSchemaAndStarts(@TempDir Path dir) throws Exception {
    Run schema = run("", "config-schema");
    assertThat(schema.code()).isZero();
    JsonNode schemaNode = new ObjectMapper().readTree(schema.out());
    assertThat(schemaNode).isEqualTo(new ObjectMapper().valueToTree(ConfigSchema.generate()));
    JsonNode example = new YAMLMapper().readTree(EXAMPLE.toFile());
    List<Error> errors =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(schema.out())
            .validate(example);
    assertThat(errors).isEmpty();
    // a key the schema does not know is caught by it too
    JsonNode broken = new YAMLMapper().readTree("registry:\n  tsl: true\n");
    assertThat(
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(schema.out())
                .validate(broken))
        .isNotEmpty();

    assertThat(run("", "verify", EXAMPLE.toString()).code()).isZero();
    // the example starts (its ports moved to 0 and its data dir to a temp folder)
    String text =
        Files.readString(EXAMPLE)
            .replaceAll("\"(\\[[0-9a-f:]*\\]|[0-9.]+):[0-9]+\"", "\"127.0.0.1:0\"")
            .replace("data-dir: ./var", "data-dir: " + dir.resolve("var"));
    try (Appliance a = new Appliance(ConfigLoader.parse(text, "example.yaml"))) {
      a.start();
      assertThat(a.ready()).isTrue();
    }
  }

  @Test
  void caPrintsTheSiteCa(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("a.yaml");
    Files.writeString(cfg, TestSites.yaml(dir.resolve("var")));
    Run ca = run("", "ca", "--config", cfg.toString());
    assertThat(ca.code()).isZero();
    assertThat(ca.out())
        .startsWith("-----BEGIN CERTIFICATE-----")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(ca.out()).isEqualTo(Files.readString(dir.resolve("var/pki/ca.crt")));
    assertThat(run("", "ca", "--config", cfg.toString()).out()).isEqualTo(ca.out());
  }

  @Test
  void usersMadeByEitherToolWorkWithTheOther(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("a.yaml");
    Files.writeString(cfg, TestSites.yaml(dir.resolve("var")));
    Path htpasswd = dir.resolve("var/htpasswd");

    Run add =
        run(
            "s3cret-pass\n",
            "user",
            "add",
            "alice",
            "--password-stdin",
            "--config",
            cfg.toString());
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(htpasswd)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(htpasswd)).startsWith("alice:$2y$");
    // Apache's htpasswd verifies our entry
    assertThat(exec("htpasswd", "-vb", htpasswd.toString(), "alice", "s3cret-pass")).isZero();
    assertThat(exec("htpasswd", "-vb", htpasswd.toString(), "alice", "wrong")).isNotZero();

    // an entry made by `htpasswd -bB` authenticates against the running registry, no restart
    try (Appliance a = new Appliance(org.airgap.appliance.config.ConfigLoader.load(cfg))) {
      a.start();
      assertThat(exec("htpasswd", "-bB", htpasswd.toString(), "bob", "b0b-pass")).isZero();
      HttpClient http = TestSites.client(a.context().pki());
      int port = a.service("registry").addresses().get(0).getPort();
      for (String[] c :
          new String[][] {
            {"bob", "b0b-pass", "200"}, {"alice", "s3cret-pass", "200"}, {"bob", "nope", "401"}
          }) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v2/"))
                    .header("Authorization", basic(c[0], c[1]))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(c[0] + ":" + c[1]).isEqualTo(Integer.parseInt(c[2]));
      }
    }

    Run list = run("", "user", "list", "--config", cfg.toString());
    // alice existed before the first start, so no admin user was generated
    assertThat(list.out().lines()).containsExactly("alice", "bob");
    assertThat(run("", "user", "remove", "bob", "--config", cfg.toString()).code()).isZero();
    assertThat(run("", "user", "list", "--config", cfg.toString()).out().lines())
        .doesNotContain("bob");
    assertThat(run("", "user", "remove", "bob", "--config", cfg.toString()).code()).isEqualTo(1);
    Run badName = run("x\n", "user", "add", "a:b", "--password-stdin", "--config", cfg.toString());
    assertThat(badName.code()).isEqualTo(1);
    assertThat(badName.err()).contains("user name must be");
  }

  static String basic(String u, String p) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8));
  }

  static int exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
