package org.airgap.redfish.driver;

/** What a backend may do beyond the required power and boot-override core. */
public enum Feature {
  VIRTUAL_MEDIA("virtual media"),
  SECURE_BOOT("secure boot"),
  NMI("the Nmi reset");

  private final String description;

  Feature(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
