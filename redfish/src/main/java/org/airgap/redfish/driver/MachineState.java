package org.airgap.redfish.driver;

import java.util.Optional;

/**
 * One consistent reading of a machine.
 *
 * @param power the power state now (transitions show as PoweringOn/PoweringOff)
 * @param boot the boot override now (a consumed Once reads Disabled)
 * @param lastBoot the device it last booted from, when the backend knows
 * @param media the inserted virtual CD image (empty: none, or no virtual media feature)
 * @param secureBoot whether UEFI Secure Boot is on (empty: no secure boot feature)
 */
public record MachineState(
    Machine machine,
    PowerState power,
    Boot boot,
    Optional<Boot.Target> lastBoot,
    Optional<MediaImage> media,
    Optional<Boolean> secureBoot) {}
