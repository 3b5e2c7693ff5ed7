package org.airgap.appliance.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.airgap.appliance.systemd.Doctor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code airgap doctor}: host checks, one line each with a fix; non-zero when one blocks. */
@Command(
    name = "doctor",
    description = "Check this host for what airgap needs; exit 1 if something blocks.")
public final class DoctorCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    List<Doctor.Check> checks = new Doctor(config.load()).run();
    checks.forEach(System.out::println);
    boolean blocks = Doctor.blocks(checks);
    System.out.println(
        blocks ? "something blocks airgap: see FAIL above" : "nothing blocks airgap");
    return blocks ? 1 : 0;
  }
}
