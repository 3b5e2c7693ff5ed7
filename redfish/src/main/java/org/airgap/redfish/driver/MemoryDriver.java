package org.airgap.redfish.driver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The in-memory backend ({@code redfish.driver: memory}): production code for demos and tests.
 * Machines start powered off with no override and an empty CD drive. Power-on and graceful shutdown
 * take {@code powerDelay} (PoweringOn/PoweringOff meanwhile); each boot records the device it
 * booted from and consumes a Once override. Time is read from a {@link Clock} when a machine is
 * looked at, so no thread runs in the background. Each machine has its own lock.
 */
public final class MemoryDriver implements MachineDriver {
  private static final Set<Boot.Target> TARGETS =
      EnumSet.of(
          Boot.Target.NONE,
          Boot.Target.PXE,
          Boot.Target.CD,
          Boot.Target.USB,
          Boot.Target.HDD,
          Boot.Target.BIOS_SETUP,
          Boot.Target.UEFI_SHELL,
          Boot.Target.UEFI_HTTP);

  private final List<Machine> machines;
  private final Duration powerDelay;
  private final Clock clock;
  private final Set<Feature> features;
  private final Map<String, Slot> slots = new LinkedHashMap<>();

  /** With every feature (virtual media, secure boot, NMI). */
  public MemoryDriver(List<Machine> machines, Duration powerDelay, Clock clock) {
    this(machines, powerDelay, clock, EnumSet.allOf(Feature.class));
  }

  /** With only {@code features} (to exercise "not supported" paths). */
  public MemoryDriver(
      List<Machine> machines, Duration powerDelay, Clock clock, Set<Feature> features) {
    this.machines = List.copyOf(machines);
    this.powerDelay = powerDelay;
    this.clock = clock;
    this.features = features.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(features));
    for (Machine m : this.machines) {
      if (slots.put(m.name(), new Slot(m)) != null) {
        throw new IllegalArgumentException("machine name " + m.name() + " appears twice");
      }
    }
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public List<Machine> machines() {
    return machines;
  }

  @Override
  public Set<Feature> features() {
    return features;
  }

  @Override
  public Set<Boot.Target> bootTargets() {
    return TARGETS;
  }

  @Override
  public MachineState state(Machine machine) {
    Slot s = slot(machine);
    synchronized (s) {
      s.settle(clock.instant());
      return new MachineState(
          s.machine,
          s.power,
          s.boot,
          s.lastBoot,
          s.media,
          features.contains(Feature.SECURE_BOOT) ? Optional.of(s.secureBoot) : Optional.empty());
    }
  }

  @Override
  public void reset(Machine machine, ResetType type) {
    if (!resetTypes().contains(type)) {
      if (type == ResetType.NMI) {
        throw new UnsupportedFeatureException(name(), Feature.NMI);
      }
      throw new IllegalArgumentException("reset type " + type.redfish() + " is not supported");
    }
    Slot s = slot(machine);
    synchronized (s) {
      Instant now = clock.instant();
      s.settle(now);
      boolean on = s.power == PowerState.ON || s.power == PowerState.POWERING_ON;
      switch (type) {
        case ON -> {
          if (!on) {
            s.transition(PowerState.POWERING_ON, now.plus(powerDelay));
          }
        }
        case FORCE_OFF -> s.off();
        case GRACEFUL_SHUTDOWN -> {
          if (s.power == PowerState.ON) {
            s.transition(PowerState.POWERING_OFF, now.plus(powerDelay));
          }
        }
        case PUSH_POWER_BUTTON -> {
          if (s.power == PowerState.ON) {
            s.transition(PowerState.POWERING_OFF, now.plus(powerDelay));
          } else if (s.power == PowerState.OFF) {
            s.transition(PowerState.POWERING_ON, now.plus(powerDelay));
          }
        }
        case FORCE_RESTART, GRACEFUL_RESTART -> {
          if (s.power == PowerState.ON) {
            s.boot();
          } else if (s.power != PowerState.POWERING_ON) {
            s.transition(PowerState.POWERING_ON, now.plus(powerDelay));
          }
        }
        case NMI -> s.nmis++;
        default -> throw new IllegalArgumentException("reset type " + type + " is not supported");
      }
      s.settle(now);
    }
  }

  @Override
  public void setBoot(Machine machine, Boot boot) {
    if (!TARGETS.contains(boot.target())) {
      throw new IllegalArgumentException(
          "boot target " + boot.target().redfish() + " is not supported");
    }
    Slot s = slot(machine);
    synchronized (s) {
      s.settle(clock.instant());
      s.boot = boot;
    }
  }

  @Override
  public void insertMedia(Machine machine, MediaImage image) {
    require(Feature.VIRTUAL_MEDIA);
    Slot s = slot(machine);
    synchronized (s) {
      s.media = Optional.of(image);
    }
  }

  @Override
  public void ejectMedia(Machine machine) {
    require(Feature.VIRTUAL_MEDIA);
    Slot s = slot(machine);
    synchronized (s) {
      s.media = Optional.empty();
    }
  }

  @Override
  public void setSecureBoot(Machine machine, boolean enabled) {
    require(Feature.SECURE_BOOT);
    Slot s = slot(machine);
    synchronized (s) {
      s.secureBoot = enabled;
    }
  }

  @Override
  public void close() {}

  private void require(Feature f) {
    if (!features.contains(f)) {
      throw new UnsupportedFeatureException(name(), f);
    }
  }

  private Slot slot(Machine machine) {
    Slot s = slots.get(machine.name());
    if (s == null || !s.machine.equals(machine)) {
      throw new NoSuchMachineException(machine.name());
    }
    return s;
  }

  /** One machine's mutable state; guarded by its own monitor. */
  private static final class Slot {
    final Machine machine;
    PowerState power = PowerState.OFF;
    Instant transitionEnds = Instant.MIN;
    Boot boot = Boot.initial();
    Optional<Boot.Target> lastBoot = Optional.empty();
    Optional<MediaImage> media = Optional.empty();
    boolean secureBoot;
    long nmis;

    Slot(Machine machine) {
      this.machine = machine;
    }

    void transition(PowerState through, Instant ends) {
      power = through;
      transitionEnds = ends;
    }

    /** Completes a transition whose time has come. */
    void settle(Instant now) {
      if (power == PowerState.POWERING_ON && !now.isBefore(transitionEnds)) {
        power = PowerState.ON;
        boot();
      } else if (power == PowerState.POWERING_OFF && !now.isBefore(transitionEnds)) {
        power = PowerState.OFF;
      }
    }

    void off() {
      power = PowerState.OFF;
    }

    void boot() {
      lastBoot = Optional.of(boot.effective());
      boot = boot.afterBoot();
    }
  }
}
