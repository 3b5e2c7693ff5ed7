package org.airgap.appliance.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.registry.auth.Htpasswd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code airgap user add|list|remove}: the appliance's htpasswd users. */
@Command(
    name = "user",
    description = "Manage the users of the registry and the Redfish facade (htpasswd, bcrypt).",
    subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Remove.class})
public final class UserCommand implements Runnable {
  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  /** {@code airgap user add NAME [--password-stdin]}. */
  @Command(name = "add", description = "Add a user, or set a user's password.")
  public static final class Add implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean stdin;

    @Override
    public Integer call() throws Exception {
      Htpasswd.validUser(name);
      AirgapConfig cfg = config.load();
      String password = readPassword(stdin);
      if (password.isEmpty()) {
        throw new IllegalArgumentException("the password must not be empty");
      }
      Htpasswd.put(cfg.htpasswd(), name, password);
      System.err.println("user " + name + " saved in " + cfg.htpasswd());
      return 0;
    }
  }

  /** {@code airgap user list}. */
  @Command(name = "list", description = "List the users.")
  public static final class ListUsers implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      AirgapConfig cfg = config.load();
      new Htpasswd(cfg.htpasswd()).users().forEach(System.out::println);
      return 0;
    }
  }

  /** {@code airgap user remove NAME}. */
  @Command(name = "remove", description = "Remove a user.")
  public static final class Remove implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      AirgapConfig cfg = config.load();
      if (!Htpasswd.remove(cfg.htpasswd(), name)) {
        System.err.println("airgap: no user " + name + " in " + cfg.htpasswd());
        return 1;
      }
      System.err.println("user " + name + " removed");
      return 0;
    }
  }

  /** Reads a password: from stdin with --password-stdin, else prompted twice on a terminal. */
  static String readPassword(boolean fromStdin) throws Exception {
    Console console = System.console();
    if (!fromStdin && console != null) {
      char[] a = console.readPassword("Password: ");
      char[] b = console.readPassword("Again: ");
      if (a == null || b == null || !Arrays.equals(a, b)) {
        throw new IllegalArgumentException("the passwords do not match");
      }
      return new String(a);
    }
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = r.readLine();
    return line == null ? "" : line.stripTrailing();
  }
}
