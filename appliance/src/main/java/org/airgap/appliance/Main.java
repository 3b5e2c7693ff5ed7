package org.airgap.appliance;

/** The airgap CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {}
}
