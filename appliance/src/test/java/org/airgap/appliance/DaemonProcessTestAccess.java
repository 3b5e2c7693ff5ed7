package org.airgap.appliance;

import java.nio.file.Path;
import java.util.Map;

/** Lets tests in other packages launch {@code airgap serve} as a child process. */
public final class DaemonProcessTestAccess {
  private DaemonProcessTestAccess() {}

  public static DaemonProcessTest.Daemon launch(Path config, Map<String, String> env)
      throws Exception {
    return DaemonProcessTest.launch(config, env);
  }

  public static String awaitReady(DaemonProcessTest.Daemon d) throws Exception {
    return DaemonProcessTest.awaitReady(d);
  }
}
