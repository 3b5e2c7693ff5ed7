package org.airgap.appliance;

import java.io.PrintWriter;
import java.util.List;
import org.airgap.appliance.cli.CaCommand;
import org.airgap.appliance.cli.ClusterCommand;
import org.airgap.appliance.cli.ConfigSchemaCommand;
import org.airgap.appliance.cli.DhcpCommand;
import org.airgap.appliance.cli.DoctorCommand;
import org.airgap.appliance.cli.ImagesCommand;
import org.airgap.appliance.cli.MirrorCommand;
import org.airgap.appliance.cli.RegistryCommand;
import org.airgap.appliance.cli.ReloadCommand;
import org.airgap.appliance.cli.ServeCommand;
import org.airgap.appliance.cli.StatusCommand;
import org.airgap.appliance.cli.UserCommand;
import org.airgap.appliance.cli.VerifyCommand;
import org.airgap.appliance.cli.VmCommand;
import org.airgap.appliance.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code airgap} CLI. Logging is configured from {@code --log-level} and the environment before
 * the first logger exists (slf4j-simple reads system properties once).
 */
@Command(
    name = "airgap",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "One daemon for a disconnected OpenShift site: registry, images, DNS, Redfish.",
    subcommands = {
      ServeCommand.class,
      VerifyCommand.class,
      ConfigSchemaCommand.class,
      CaCommand.class,
      UserCommand.class,
      ReloadCommand.class,
      DoctorCommand.class,
      ClusterCommand.class,
      DhcpCommand.class,
      StatusCommand.class,
      ImagesCommand.class,
      RegistryCommand.class,
      MirrorCommand.class,
      VmCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description = "trace, debug, info (default), warn or error.",
      scope = CommandLine.ScopeType.INHERIT)
  String logLevel;

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** The picocli command line with airgap's error handling. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parse) -> {
          PrintWriter err = cmd.getErr();
          if (ex instanceof ConfigException c) {
            c.lines().forEach(l -> err.println(l));
            return 2;
          }
          if (ex instanceof StartupException
              || ex instanceof IllegalArgumentException
              || ex instanceof java.io.UncheckedIOException) {
            err.println("airgap: " + ex.getMessage());
            return 1;
          }
          throw ex;
        });
    return cl;
  }

  public static void main(String[] args) {
    configureLogging(List.of(args));
    int code = commandLine().execute(args);
    if (code != 0 || !ServeCommand.servedInThisProcess()) {
      System.exit(code);
    }
  }

  /**
   * slf4j-simple: one line per event on stderr; no timestamps of our own under systemd's journal
   * ({@code JOURNAL_STREAM} set), which stamps lines itself.
   */
  static void configureLogging(List<String> args) {
    String level = "info";
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--log-level") && i + 1 < args.size()) {
        level = args.get(i + 1);
      } else if (a.startsWith("--log-level=")) {
        level = a.substring("--log-level=".length());
      }
    }
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", level.toLowerCase());
    // Undertow and XNIO log through JBoss Logging: send it to SLF4J too.
    setDefault("org.jboss.logging.provider", "slf4j");
    boolean journal = System.getenv("JOURNAL_STREAM") != null;
    setDefault("org.slf4j.simpleLogger.showDateTime", journal ? "false" : "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.levelInBrackets", "false");
    setDefault("org.slf4j.simpleLogger.log.io.undertow", "warn");
    setDefault("org.slf4j.simpleLogger.log.org.xnio", "warn");
    setDefault("org.slf4j.simpleLogger.log.io.netty", "warn");
    setDefault("org.slf4j.simpleLogger.log.org.jboss", "warn");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Prints the jar's version. */
  public static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"airgap " + Version.current()};
    }
  }
}
