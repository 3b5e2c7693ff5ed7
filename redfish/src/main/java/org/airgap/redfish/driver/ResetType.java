package org.airgap.redfish.driver;

import java.util.Arrays;
import java.util.Optional;

/** Redfish {@code ResetType} values of {@code #ComputerSystem.Reset}. */
public enum ResetType {
  ON("On"),
  FORCE_OFF("ForceOff"),
  GRACEFUL_SHUTDOWN("GracefulShutdown"),
  GRACEFUL_RESTART("GracefulRestart"),
  FORCE_RESTART("ForceRestart"),
  PUSH_POWER_BUTTON("PushPowerButton"),
  NMI("Nmi"),
  FORCE_ON("ForceOn"),
  POWER_CYCLE("PowerCycle");

  private final String redfish;

  ResetType(String redfish) {
    this.redfish = redfish;
  }

  public String redfish() {
    return redfish;
  }

  /** By its Redfish spelling (exact, as the schema's enum is). */
  public static Optional<ResetType> parse(String s) {
    return Arrays.stream(values()).filter(v -> v.redfish.equals(s)).findFirst();
  }
}
