package org.airgap.redfish.driver;

/** A backend was asked for an optional {@link Feature} it does not have. */
public final class UnsupportedFeatureException extends RuntimeException {
  private final String driver;
  private final Feature feature;

  public UnsupportedFeatureException(String driver, Feature feature) {
    super("the " + driver + " backend does not support " + feature.description());
    this.driver = driver;
    this.feature = feature;
  }

  public String driver() {
    return driver;
  }

  public Feature feature() {
    return feature;
  }
}
