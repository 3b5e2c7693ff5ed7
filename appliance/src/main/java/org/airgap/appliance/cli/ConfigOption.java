package org.airgap.appliance.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ConfigLoader;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, shared by every command that reads the config or the data dir. Without it:
 * {@code ./airgap.yaml} when present, else the built-in dev defaults.
 */
public final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Config file (default: ./airgap.yaml if present, else built-in defaults).")
  Path file;

  /** The config file in effect, if any. */
  public java.util.Optional<Path> file() {
    if (file != null) {
      return java.util.Optional.of(file);
    }
    Path local = Path.of("airgap.yaml");
    return Files.isRegularFile(local) ? java.util.Optional.of(local) : java.util.Optional.empty();
  }

  /** Loads and validates the config; throws {@link org.airgap.appliance.config.ConfigException}. */
  public AirgapConfig load() {
    return file().map(ConfigLoader::load).orElseGet(ConfigLoader::defaults);
  }
}
