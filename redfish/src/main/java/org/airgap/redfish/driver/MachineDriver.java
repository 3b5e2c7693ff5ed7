package org.airgap.redfish.driver;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The seam between the Redfish resources and what really runs the machines (libvirt, or the
 * in-memory backend). Small on purpose: a required core (machines, state, reset, boot override) and
 * optional features that by default throw {@link UnsupportedFeatureException}, which the facade
 * turns into a 501 Redfish error. One contract test suite ({@code MachineDriverContract}) runs
 * against every implementation.
 *
 * <p>Threading: methods may block (libvirt calls do); the facade calls them from worker threads,
 * never from an IO thread. Calls for different machines must not wait on each other. Every method
 * but {@link #close} throws {@link NoSuchMachineException} for a machine it does not know.
 */
public interface MachineDriver extends AutoCloseable {

  /** The backend's name as configured ({@code memory}, {@code libvirt}). */
  String name();

  /** The machines, in a stable order. */
  List<Machine> machines();

  /** The machine with this name, or with this UUID (any case). */
  default Optional<Machine> find(String nameOrUuid) {
    for (Machine m : machines()) {
      if (m.name().equals(nameOrUuid) || m.uuid().toString().equalsIgnoreCase(nameOrUuid)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** The optional features this backend has. */
  default Set<Feature> features() {
    return Set.of();
  }

  /** The reset types {@link #reset} accepts; {@code Nmi} only with {@link Feature#NMI}. */
  default Set<ResetType> resetTypes() {
    Set<ResetType> s =
        EnumSet.of(
            ResetType.ON,
            ResetType.FORCE_OFF,
            ResetType.GRACEFUL_SHUTDOWN,
            ResetType.GRACEFUL_RESTART,
            ResetType.FORCE_RESTART,
            ResetType.PUSH_POWER_BUTTON);
    if (features().contains(Feature.NMI)) {
      s.add(ResetType.NMI);
    }
    return s;
  }

  /** The boot override targets {@link #setBoot} accepts. */
  Set<Boot.Target> bootTargets();

  /** One consistent reading of the machine. */
  MachineState state(Machine machine);

  /**
   * Resets the machine. On powers on (a no-op when on), ForceOff cuts power at once, the graceful
   * types ask the guest and may take a while (PoweringOff shows meanwhile), restarts boot again.
   * Every boot consumes a {@code Once} override. A type not in {@link #resetTypes} throws {@link
   * UnsupportedFeatureException} or {@link IllegalArgumentException}.
   */
  void reset(Machine machine, ResetType type);

  /** Sets the boot override for the next boot(s); a target not in {@link #bootTargets} is IAE. */
  void setBoot(Machine machine, Boot boot);

  /** Inserts {@code image} into the virtual CD drive, replacing what is there. */
  default void insertMedia(Machine machine, MediaImage image) {
    throw new UnsupportedFeatureException(name(), Feature.VIRTUAL_MEDIA);
  }

  /** Empties the virtual CD drive (a no-op when empty). */
  default void ejectMedia(Machine machine) {
    throw new UnsupportedFeatureException(name(), Feature.VIRTUAL_MEDIA);
  }

  /** Turns UEFI Secure Boot on or off for the next boot. */
  default void setSecureBoot(Machine machine, boolean enabled) {
    throw new UnsupportedFeatureException(name(), Feature.SECURE_BOOT);
  }

  /** Releases the backend; idempotent, never throws. */
  @Override
  void close();
}
