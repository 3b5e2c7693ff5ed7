package org.airgap.registry;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.airgap.registry.auth.Htpasswd;

/**
 * A registry in its own JVM, for {@code CrashTest}: {@code <storage> <htpasswd> <gc-grace-ms>}.
 * Serves plain HTTP on 127.0.0.1:0, prints {@code PORT <n>} on stdout once bound, then runs an
 * online GC in a loop (so that a kill may land inside one) until it is killed, or until its stdin
 * ends (the test JVM is gone: no orphan outlives it).
 */
public final class ForkedRegistryMain {
  private ForkedRegistryMain() {}

  public static void main(String[] args) throws Exception {
    Duration grace = Duration.ofMillis(Long.parseLong(args[2]));
    RegistryServer server =
        new RegistryServer(
            new RegistryConfig(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Optional.empty(),
                Path.of(args[0]),
                false,
                new RegistryConfig.Upkeep(
                    RegistryConfig.Upkeep.defaults().uploadMaxAge(),
                    grace,
                    Optional.empty(),
                    false)),
            new Htpasswd(Path.of(args[1])));
    server.start();
    System.out.println("PORT " + server.addresses().get(0).getPort());
    System.out.flush();
    Thread orphan =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the test never writes: EOF means it is gone
                }
              } catch (java.io.IOException e) {
                // same
              }
              Runtime.getRuntime().halt(3);
            },
            "exit-with-parent");
    orphan.setDaemon(true);
    orphan.start();
    while (true) {
      try {
        server.gc(false, false);
      } catch (Exception e) {
        System.err.println("gc: " + e);
      }
      Thread.sleep(50);
    }
  }
}
