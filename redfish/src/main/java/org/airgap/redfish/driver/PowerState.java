package org.airgap.redfish.driver;

/** Redfish {@code PowerState}. */
public enum PowerState {
  ON("On"),
  OFF("Off"),
  POWERING_ON("PoweringOn"),
  POWERING_OFF("PoweringOff"),
  PAUSED("Paused");

  private final String redfish;

  PowerState(String redfish) {
    this.redfish = redfish;
  }

  public String redfish() {
    return redfish;
  }
}
