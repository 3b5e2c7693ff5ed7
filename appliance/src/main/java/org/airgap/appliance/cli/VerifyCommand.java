package org.airgap.appliance.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import org.airgap.appliance.config.Problems;
import org.airgap.appliance.config.ServiceAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code airgap verify FILE}: the same checks as {@code serve}, without starting anything, plus
 * whether the service user can read every file the config names (the systemd unit's {@code User=},
 * or {@code --as-user}).
 */
@Command(
    name = "verify",
    description =
        "Check a config file without starting anything, and that the service user can read every"
            + " file it names.")
public final class VerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The config file to check.")
  Path file;

  @Option(
      names = "--as-user",
      paramLabel = "USER[:GROUP]",
      description =
          "Check the files as this user (default: User= of the installed airgap.service; as root"
              + " without a unit, airgap if it exists).")
  String asUser;

  @Option(
      names = "--unit",
      paramLabel = "FILE",
      description = "The systemd unit whose User=, Group= and SupplementaryGroups= to check as.")
  Path unit;

  @Override
  public Integer call() throws Exception {
    AirgapConfig cfg = ConfigLoader.load(file);
    Optional<ServiceAccess.Account> account =
        ServiceAccess.resolve(
            Optional.ofNullable(asUser), unit != null ? List.of(unit) : ServiceAccess.UNITS);
    if (unit != null && account.isEmpty()) {
      System.err.println("airgap: " + unit + " has no User=");
      return 2;
    }
    List<String> notes = new ArrayList<>();
    Problems p =
        account.isPresent()
            ? ServiceAccess.unreadable(cfg, account.get(), notes)
            : new Problems(); // the loader checked them as the current user
    notes.forEach(n -> System.err.println("note: " + n));
    if (!p.isEmpty()) {
      ConfigLoader.describe(Files.readString(file, StandardCharsets.UTF_8), file.toString(), p)
          .forEach(System.err::println);
      return 1;
    }
    System.out.println(
        file
            + ": OK"
            + account
                .filter(a -> !ServiceAccess.paths(cfg).isEmpty())
                .map(
                    a ->
                        " (every file it names is readable by "
                            + a.user()
                            + ", "
                            + a.source()
                            + ")")
                .orElse(""));
    return 0;
  }
}
