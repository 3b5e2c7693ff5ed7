package org.airgap.appliance.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.RegistrySection;
import org.airgap.appliance.config.Urls;
import org.airgap.registry.auth.Htpasswd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code airgap registry pull-secret NAME [--password-stdin]}: prints the {@code auths} fragment of
 * a pull secret for the registry, to merge into the cluster's pull secret or to give to skopeo and
 * podman as {@code --authfile}. The password is checked against the registry's htpasswd first, so a
 * typo fails here rather than on every node.
 *
 * <pre>
 * {"auths":{"registry.example:5000":{"auth":"base64(NAME:PASSWORD)","email":""}}}
 * </pre>
 */
@Command(
    name = "pull-secret",
    description = "Print the pull-secret 'auths' JSON for a registry user.")
public final class RegistryPullSecretCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Parameters(paramLabel = "NAME", description = "The registry user (see 'airgap user add').")
  String name;

  @Option(names = "--password-stdin", description = "Read the password from standard input.")
  boolean stdin;

  @Override
  public Integer call() throws Exception {
    AirgapConfig cfg = config.load();
    RegistrySection s = cfg.registry();
    Path htpasswd = s.htpasswd() != null ? s.htpasswd() : cfg.htpasswd();
    String password = readPassword(stdin);
    if (!new Htpasswd(htpasswd).check(name, password)) {
      System.err.println(
          "airgap: user "
              + name
              + " with that password is not in "
              + htpasswd
              + " (add it with 'airgap user add "
              + name
              + "')");
      return 1;
    }
    System.out.println(render(hostPort(cfg), name, password));
    return 0;
  }

  /** The registry's {@code host:port} as clusters reach it (site.hostname or advertise). */
  static String hostPort(AirgapConfig cfg) {
    RegistrySection s = cfg.registry();
    int port = s.listen().isEmpty() ? 5000 : s.listen().get(0).port();
    return new Urls(cfg.site()).hostPort(s.advertise(), port);
  }

  /** The {@code {"auths":{…}}} document. */
  static String render(String hostPort, String user, String password) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ObjectNode entry = root.putObject("auths").putObject(hostPort);
    entry.put(
        "auth",
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    entry.put("email", "");
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static String readPassword(boolean fromStdin) throws Exception {
    Console console = System.console();
    if (!fromStdin && console != null) {
      char[] pw = console.readPassword("Password: ");
      return pw == null ? "" : new String(pw);
    }
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = r.readLine();
    return line == null ? "" : line.stripTrailing();
  }
}
