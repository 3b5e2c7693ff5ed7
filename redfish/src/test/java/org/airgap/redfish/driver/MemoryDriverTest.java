package org.airgap.redfish.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MemoryDriverTest extends MachineDriverContract {
  @Override
  protected MachineDriver newDriver() {
    return new MemoryDriver(Machine.defaults(), Duration.ofMillis(30), Clock.systemUTC());
  }

  /** The contract again, with no optional feature. */
  @Nested
  class WithoutFeatures extends MachineDriverContract {
    @Override
    protected MachineDriver newDriver() {
      return new MemoryDriver(
          Machine.defaults(), Duration.ofMillis(30), Clock.systemUTC(), Set.of());
    }
  }

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void transitionsShowWhileTheyTakeTime() {
    ManualClock clock = new ManualClock();
    MemoryDriver d =
        new MemoryDriver(
            Machine.defaults(), Duration.ofSeconds(2), clock, EnumSet.allOf(Feature.class));
    Machine m = d.machines().get(0);
    d.setBoot(m, new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.UEFI));
    d.reset(m, ResetType.ON);
    assertThat(d.state(m).power()).isEqualTo(PowerState.POWERING_ON);
    assertThat(d.state(m).boot().enabled()).isEqualTo(Boot.Enabled.ONCE);
    clock.now = clock.now.plusSeconds(2);
    MachineState on = d.state(m);
    assertThat(on.power()).isEqualTo(PowerState.ON);
    assertThat(on.lastBoot()).contains(Boot.Target.CD);
    assertThat(on.boot().enabled()).isEqualTo(Boot.Enabled.DISABLED);
    d.reset(m, ResetType.PUSH_POWER_BUTTON);
    assertThat(d.state(m).power()).isEqualTo(PowerState.POWERING_OFF);
    clock.now = clock.now.plusSeconds(1);
    d.reset(m, ResetType.FORCE_OFF);
    assertThat(d.state(m).power()).isEqualTo(PowerState.OFF);
    clock.now = clock.now.plusSeconds(5);
    assertThat(d.state(m).power()).isEqualTo(PowerState.OFF);
  }

  @Test
  void defaultMachinesAreDeterministic() {
    assertThat(Machine.defaults())
        .extracting(Machine::name)
        .containsExactly("vm-0", "vm-1", "vm-2");
    assertThat(Machine.defaults()).isEqualTo(Machine.defaults());
    assertThat(Machine.numbered(1).mac()).isEqualTo("52:54:00:a1:00:01");
  }
}
