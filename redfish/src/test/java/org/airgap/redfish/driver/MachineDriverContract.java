package org.airgap.redfish.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MachineDriver} must do. An implementation's test extends this class and says
 * how to make a driver with at least three machines; the suite powers them off first. Optional
 * features are checked both ways: with the feature they work, without it they throw {@link
 * UnsupportedFeatureException}.
 */
public abstract class MachineDriverContract {
  protected MachineDriver driver;

  /** A fresh driver with at least three machines. */
  protected abstract MachineDriver newDriver();

  /** How long a power transition may take before the suite gives up. */
  protected Duration settleTimeout() {
    return Duration.ofSeconds(10);
  }

  @BeforeEach
  void open() {
    driver = newDriver();
    assertThat(driver.machines()).hasSizeGreaterThanOrEqualTo(3);
    for (Machine m : driver.machines().subList(0, 3)) {
      driver.reset(m, ResetType.FORCE_OFF);
      awaitPower(m, PowerState.OFF);
      driver.setBoot(m, Boot.initial());
      if (driver.features().contains(Feature.VIRTUAL_MEDIA)) {
        driver.ejectMedia(m);
      }
    }
  }

  @AfterEach
  void closeDriver() {
    driver.close();
    driver.close();
  }

  protected Machine machine(int i) {
    return driver.machines().get(i);
  }

  @Test
  void machinesAreUniqueAndFoundByNameOrUuid() {
    List<Machine> ms = driver.machines();
    assertThat(ms.stream().map(Machine::name).distinct()).hasSize(ms.size());
    assertThat(ms.stream().map(Machine::uuid).distinct()).hasSize(ms.size());
    Machine m = machine(1);
    assertThat(driver.find(m.name())).contains(m);
    assertThat(driver.find(m.uuid().toString().toUpperCase(Locale.ROOT))).contains(m);
    assertThat(driver.find("no-such-machine")).isEmpty();
    assertThat(driver.machines()).isEqualTo(ms);
  }

  @Test
  void unknownMachineIsAnError() {
    Machine ghost = new Machine("ghost-machine", UUID.randomUUID(), "52:54:00:ff:ff:ff");
    assertThatThrownBy(() -> driver.state(ghost)).isInstanceOf(NoSuchMachineException.class);
    assertThatThrownBy(() -> driver.reset(ghost, ResetType.ON))
        .isInstanceOf(NoSuchMachineException.class);
  }

  @Test
  void resetTypesCoverTheCoreAndNmiOnlyWithTheFeature() {
    assertThat(driver.resetTypes())
        .contains(ResetType.ON, ResetType.FORCE_OFF, ResetType.FORCE_RESTART);
    assertThat(driver.resetTypes().contains(ResetType.NMI))
        .isEqualTo(driver.features().contains(Feature.NMI));
    assertThat(driver.bootTargets()).contains(Boot.Target.NONE, Boot.Target.CD, Boot.Target.HDD);
  }

  @Test
  void powerOnAndForceOff() {
    Machine m = machine(0);
    assertThat(driver.state(m).power()).isEqualTo(PowerState.OFF);
    driver.reset(m, ResetType.ON);
    assertThat(driver.state(m).power()).isIn(PowerState.POWERING_ON, PowerState.ON);
    awaitPower(m, PowerState.ON);
    driver.reset(m, ResetType.ON);
    assertThat(driver.state(m).power()).isEqualTo(PowerState.ON);
    driver.reset(m, ResetType.FORCE_OFF);
    awaitPower(m, PowerState.OFF);
    driver.reset(m, ResetType.FORCE_OFF);
    assertThat(driver.state(m).power()).isEqualTo(PowerState.OFF);
  }

  @Test
  void gracefulShutdownEndsOff() {
    Machine m = machine(0);
    driver.reset(m, ResetType.ON);
    awaitPower(m, PowerState.ON);
    driver.reset(m, ResetType.GRACEFUL_SHUTDOWN);
    awaitPower(m, PowerState.OFF);
  }

  @Test
  void onceOverrideIsConsumedByTheNextBoot() {
    Machine m = machine(0);
    Boot cdOnce = new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.UEFI);
    driver.setBoot(m, cdOnce);
    assertThat(driver.state(m).boot()).isEqualTo(cdOnce);
    driver.reset(m, ResetType.ON);
    awaitPower(m, PowerState.ON);
    MachineState booted = driver.state(m);
    assertThat(booted.boot().enabled()).isEqualTo(Boot.Enabled.DISABLED);
    assertThat(booted.boot().mode()).isEqualTo(Boot.Mode.UEFI);
    booted.lastBoot().ifPresent(t -> assertThat(t).isEqualTo(Boot.Target.CD));
    driver.reset(m, ResetType.FORCE_RESTART);
    await(
        () -> driver.state(m).lastBoot().map(t -> t == Boot.Target.HDD).orElse(true),
        "restart boots from disk");
    assertThat(driver.state(m).boot().enabled()).isEqualTo(Boot.Enabled.DISABLED);
  }

  @Test
  void continuousOverrideStays() {
    Machine m = machine(1);
    Boot pxe = new Boot(Boot.Target.PXE, Boot.Enabled.CONTINUOUS, Boot.Mode.UEFI);
    driver.setBoot(m, pxe);
    driver.reset(m, ResetType.ON);
    awaitPower(m, PowerState.ON);
    assertThat(driver.state(m).boot()).isEqualTo(pxe);
    driver.state(m).lastBoot().ifPresent(t -> assertThat(t).isEqualTo(Boot.Target.PXE));
  }

  @Test
  void bootModeIsReflectedAtOnce() {
    Machine m = machine(2);
    Boot legacy = new Boot(Boot.Target.HDD, Boot.Enabled.CONTINUOUS, Boot.Mode.LEGACY);
    driver.setBoot(m, legacy);
    assertThat(driver.state(m).boot()).isEqualTo(legacy);
    driver.setBoot(m, Boot.initial());
    assertThat(driver.state(m).boot()).isEqualTo(Boot.initial());
  }

  @Test
  void virtualMediaInsertReplaceEjectOrUnsupported() {
    Machine m = machine(1);
    MediaImage a = MediaImage.of("http://192.0.2.1:8080/discovery.iso");
    MediaImage b = MediaImage.of("https://[2001:db8::1]/other.iso");
    if (!driver.features().contains(Feature.VIRTUAL_MEDIA)) {
      assertThatThrownBy(() -> driver.insertMedia(m, a))
          .isInstanceOf(UnsupportedFeatureException.class);
      assertThatThrownBy(() -> driver.ejectMedia(m))
          .isInstanceOf(UnsupportedFeatureException.class);
      assertThat(driver.state(m).media()).isEmpty();
      return;
    }
    assertThat(driver.state(m).media()).isEmpty();
    driver.insertMedia(m, a);
    assertThat(driver.state(m).media()).contains(a);
    assertThat(driver.state(machine(0)).media()).isEmpty();
    driver.insertMedia(m, b);
    assertThat(driver.state(m).media()).contains(b);
    driver.ejectMedia(m);
    assertThat(driver.state(m).media()).isEmpty();
    driver.ejectMedia(m);
    assertThat(driver.state(m).media()).isEmpty();
  }

  @Test
  void secureBootOrUnsupported() {
    Machine m = machine(2);
    if (!driver.features().contains(Feature.SECURE_BOOT)) {
      assertThat(driver.state(m).secureBoot()).isEmpty();
      assertThatThrownBy(() -> driver.setSecureBoot(m, true))
          .isInstanceOf(UnsupportedFeatureException.class);
      return;
    }
    driver.setSecureBoot(m, true);
    assertThat(driver.state(m).secureBoot()).contains(true);
    driver.setSecureBoot(m, false);
    assertThat(driver.state(m).secureBoot()).contains(false);
  }

  @Test
  void nmiOrUnsupported() {
    Machine m = machine(0);
    driver.reset(m, ResetType.ON);
    awaitPower(m, PowerState.ON);
    if (driver.features().contains(Feature.NMI)) {
      driver.reset(m, ResetType.NMI);
      assertThat(driver.state(m).power()).isEqualTo(PowerState.ON);
    } else {
      assertThatThrownBy(() -> driver.reset(m, ResetType.NMI))
          .isInstanceOf(UnsupportedFeatureException.class);
    }
  }

  @Test
  void machinesWorkInParallel() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Machine m = machine(i);
        fs.add(
            pool.submit(
                () -> {
                  driver.setBoot(m, new Boot(Boot.Target.CD, Boot.Enabled.ONCE, Boot.Mode.UEFI));
                  if (driver.features().contains(Feature.VIRTUAL_MEDIA)) {
                    driver.insertMedia(m, MediaImage.of("http://192.0.2.1/" + m.name() + ".iso"));
                  }
                  driver.reset(m, ResetType.ON);
                  awaitPower(m, PowerState.ON);
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < 3; i++) {
      MachineState s = driver.state(machine(i));
      assertThat(s.power()).isEqualTo(PowerState.ON);
      assertThat(s.boot().enabled()).isEqualTo(Boot.Enabled.DISABLED);
      if (driver.features().contains(Feature.VIRTUAL_MEDIA)) {
        assertThat(s.media().orElseThrow().name()).isEqualTo(machine(i).name() + ".iso");
      }
    }
  }

  protected void awaitPower(Machine m, PowerState want) {
    await(() -> driver.state(m).power() == want, m.name() + " reaches " + want);
  }

  protected void await(Supplier<Boolean> condition, String what) {
    long deadline = System.nanoTime() + settleTimeout().toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
