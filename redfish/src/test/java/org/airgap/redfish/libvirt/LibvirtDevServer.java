package org.airgap.redfish.libvirt;

import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.airgap.redfish.RedfishConfig;
import org.airgap.redfish.RedfishServer;
import org.libvirt.Connect;

/**
 * The facade on the libvirt backend over a {@link LibvirtSandbox} daemon, for the benchmark: {@code
 * LibvirtDevServer DIR MACHINES IMAGE_MIB}. Defines {@code vm-0}…{@code vm-N-1} (stopped, TCG, 128
 * MiB, an empty CD drive, no NIC), writes {@code DIR/srv/images/big.iso} of IMAGE_MIB (sparse),
 * serves it in place under {@code http://airgap.bench:8080/images/} and over a plain HTTP server on
 * loopback (the download path), and prints {@code port N}, {@code media-port N} and {@code uri …}.
 * User {@code admin}/{@code secret}. SIGTERM stops everything, the daemon included.
 */
public final class LibvirtDevServer {
  private LibvirtDevServer() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    int count = Integer.parseInt(args[1]);
    long imageMiB = Long.parseLong(args[2]);
    LibvirtSandbox sandbox = LibvirtSandbox.start(dir.resolve("lv"));
    Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
    Path images = sandbox.writable("srv/images");
    Path big = images.resolve("big.iso");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(imageMiB << 20);
    }
    Files.setPosixFilePermissions(big, PosixFilePermissions.fromString("rw-r--r--"));
    Connect c = new Connect(sandbox.uri(), false);
    try {
      for (int i = 0; i < count; i++) {
        String name = "vm-" + i;
        UUID uuid = UUID.nameUUIDFromBytes(("bench " + name).getBytes());
        String mac = String.format("52:54:00:b0:%02x:%02x", i >> 8, i & 0xff);
        VmSpec spec =
            new VmSpec(
                name,
                uuid,
                mac,
                128,
                1,
                Optional.empty(),
                Optional.empty(),
                false,
                "qemu",
                Optional.empty());
        c.domainDefineXML(spec.xml()).free();
      }
    } finally {
      c.close();
    }
    MediaServer media = new MediaServer(images, Optional.empty(), Optional.empty());
    LibvirtConfig lc =
        LibvirtConfig.of(
            sandbox.uri(),
            sandbox.dir().resolve("cache"),
            List.of(
                new LibvirtConfig.LocalSource(
                    URI.create("http://airgap.bench:8080/images/"), images)));
    RedfishServer server =
        new RedfishServer(
            new RedfishConfig(
                List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)),
                Optional.empty(),
                "libvirt",
                List.of(),
                Duration.ofMinutes(30),
                Duration.ZERO),
            (u, p) -> u.equals("admin") && p.equals("secret"),
            () -> LibvirtDriver.open(lc),
            Clock.systemUTC());
    server.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  media.close();
                  sandbox.close();
                }));
    System.out.println("uri " + sandbox.uri());
    System.out.println("media-port " + media.url("").getPort());
    System.out.println("port " + server.addresses().get(0).getPort());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
