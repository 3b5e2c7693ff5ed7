package org.airgap.redfish.driver;

import java.util.Arrays;
import java.util.Optional;

/**
 * A boot source override, as {@code Boot} in a ComputerSystem: where to boot, for how long, in
 * which firmware mode.
 */
public record Boot(Boot.Target target, Boot.Enabled enabled, Boot.Mode mode) {

  /** {@code BootSourceOverrideTarget}. */
  public enum Target {
    NONE("None"),
    PXE("Pxe"),
    CD("Cd"),
    USB("Usb"),
    HDD("Hdd"),
    BIOS_SETUP("BiosSetup"),
    UEFI_SHELL("UefiShell"),
    UEFI_TARGET("UefiTarget"),
    UEFI_HTTP("UefiHttp"),
    FLOPPY("Floppy");

    private final String redfish;

    Target(String redfish) {
      this.redfish = redfish;
    }

    public String redfish() {
      return redfish;
    }

    public static Optional<Target> parse(String s) {
      return Arrays.stream(values()).filter(v -> v.redfish.equals(s)).findFirst();
    }
  }

  /** {@code BootSourceOverrideEnabled}: Once reverts to Disabled after the next boot. */
  public enum Enabled {
    DISABLED("Disabled"),
    ONCE("Once"),
    CONTINUOUS("Continuous");

    private final String redfish;

    Enabled(String redfish) {
      this.redfish = redfish;
    }

    public String redfish() {
      return redfish;
    }

    public static Optional<Enabled> parse(String s) {
      return Arrays.stream(values()).filter(v -> v.redfish.equals(s)).findFirst();
    }
  }

  /** {@code BootSourceOverrideMode}. */
  public enum Mode {
    UEFI("UEFI"),
    LEGACY("Legacy");

    private final String redfish;

    Mode(String redfish) {
      this.redfish = redfish;
    }

    public String redfish() {
      return redfish;
    }

    public static Optional<Mode> parse(String s) {
      return Arrays.stream(values()).filter(v -> v.redfish.equals(s)).findFirst();
    }
  }

  /** No override, UEFI. */
  public static Boot initial() {
    return new Boot(Target.NONE, Enabled.DISABLED, Mode.UEFI);
  }

  /** The device the next boot uses: the override when enabled, else the disk. */
  public Target effective() {
    return enabled == Enabled.DISABLED || target == Target.NONE ? Target.HDD : target;
  }

  /** This override after one boot: Once becomes Disabled. */
  public Boot afterBoot() {
    return enabled == Enabled.ONCE ? new Boot(target, Enabled.DISABLED, mode) : this;
  }
}
