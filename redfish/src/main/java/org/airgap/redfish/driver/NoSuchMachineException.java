package org.airgap.redfish.driver;

/** The machine is not (or no longer) known to the backend. */
public final class NoSuchMachineException extends RuntimeException {
  private final String machine;

  public NoSuchMachineException(String machine) {
    super("no machine named " + machine);
    this.machine = machine;
  }

  public String machine() {
    return machine;
  }
}
