package org.airgap.redfish;

import java.time.Clock;
import org.airgap.redfish.driver.MachineDriver;
import org.airgap.redfish.driver.MemoryDriver;

/** Makes the backend {@code redfish.driver} names. */
final class MachineDrivers {
  private MachineDrivers() {}

  static MachineDriver create(RedfishConfig config) {
    return switch (config.driver()) {
      case "memory" -> new MemoryDriver(config.machines(), config.powerDelay(), Clock.systemUTC());
      default ->
          throw new IllegalArgumentException(
              "redfish: the '"
                  + config.driver()
                  + "' backend is not available in this build (use redfish.driver: memory)");
    };
  }
}
