package org.airgap.redfish.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MachineDriver;

/**
 * Resolves path identifiers to machines (a name or a UUID) and serialises the read-check-write
 * requests of one machine (PATCH with If-Match, insert over inserted media), so requests for
 * different machines never wait on each other.
 */
public final class Machines {
  private final MachineDriver driver;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public Machines(MachineDriver driver) {
    this.driver = driver;
  }

  public MachineDriver driver() {
    return driver;
  }

  /** The machine named by a {@code {system}} or {@code {manager}} path segment, or 404. */
  public Machine resolve(String id, String resourceType) {
    return driver
        .find(id)
        .orElseThrow(() -> new RedfishException(RedfishError.RESOURCE_NOT_FOUND, resourceType, id));
  }

  /** Runs {@code action} holding this machine's lock. */
  public <T> T locked(Machine m, Supplier<T> action) {
    synchronized (locks.computeIfAbsent(m.name(), k -> new Object())) {
      return action.get();
    }
  }
}
