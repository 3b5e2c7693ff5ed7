package org.airgap.redfish;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.airgap.redfish.driver.Machine;

/**
 * Runs the facade by hand or from a benchmark: {@code DevServer PORT MACHINES [https-dir]} on
 * 127.0.0.1 with the memory backend and user {@code admin}/{@code secret}; prints the port.
 */
public final class DevServer {
  private DevServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    Optional<javax.net.ssl.SSLContext> tls =
        args.length > 2
            ? Optional.of(SelfSigned.context(Files.createDirectories(Path.of(args[2]))))
            : Optional.empty();
    RedfishConfig config =
        new RedfishConfig(
            List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)),
            tls,
            "memory",
            Machine.numbered(0, count),
            Duration.ofMinutes(30),
            Duration.ofMillis(200));
    RedfishServer server =
        new RedfishServer(config, (u, p) -> u.equals("admin") && p.equals("secret"));
    server.start();
    System.out.println("port " + server.addresses().get(0).getPort());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    new CountDownLatch(1).await();
  }
}
