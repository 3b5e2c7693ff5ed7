package org.airgap.dhcp;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.airgap.dns.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv4 server: one UDP socket per served interface, each bound to {@code 0.0.0.0:67} and
 * pinned to its interface with {@code SO_BINDTODEVICE} (through JNA; the JDK cannot), so the
 * interface a request came in on is the socket's and broadcasts go out where the client is. Binding
 * port 67 needs CAP_NET_BIND_SERVICE and {@code SO_BINDTODEVICE} needs CAP_NET_RAW; {@link #start}
 * says which one is missing.
 *
 * <p>One thread per interface reads a request, then whatever else is already queued (up to 64),
 * answers them, fsyncs the lease log once for the batch, and only then sends the replies.
 */
public final class DhcpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DhcpServer.class);
  private static final int BATCH = 64;
  private static final int MAX_PACKET = 1500;

  /**
   * The socket's receive queue: about a hundred requests, tens of milliseconds at thousands per
   * second. A deeper queue only delays answers past the point where clients have given up and
   * retransmitted (a 4 MiB queue held seconds of requests under overload and the server answered
   * nothing in time); a short one drops the excess at once and what is answered is answered fresh.
   */
  static final int RCVBUF = 256 << 10;

  private volatile DhcpConfig config;
  private final Engine engine;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private boolean started;

  private record Listener(Link link, int fd, InetSocketAddress bound) {}

  public DhcpServer(DhcpConfig config, LeaseListener leases) {
    this(config, leases, InstantSource.system());
  }

  public DhcpServer(DhcpConfig config, LeaseListener leases, InstantSource clock) {
    this.config = config;
    this.engine = new Engine(config, new LeaseStore(config.leaseFile()), leases, clock);
  }

  /**
   * Loads the leases, opens a socket on every served interface and starts answering.
   *
   * @throws DhcpException naming the interface and the missing capability or other reason
   */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("start() once, before close()");
    }
    started = true;
    List<Link> links = links();
    engine.open();
    try {
      for (Link l : links) {
        listeners.add(open(l));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    for (Listener l : listeners) {
      Thread t = new Thread(() -> serve(l), "dhcp4-" + l.link().ifname());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    Thread sweeper = new Thread(this::sweep, "dhcp4-expiry");
    sweeper.setDaemon(true);
    threads.add(sweeper);
    sweeper.start();
    LOG.info(
        "dhcp: serving DHCPv4 on {} with {} leases from {}",
        links.stream().map(l -> l.ifname() + " (" + l.self().getHostAddress() + ")").toList(),
        engine.leases().size(),
        config.leaseFile());
  }

  /** The served interfaces with the server's address on each. */
  private List<Link> links() {
    List<Link> out = new ArrayList<>();
    try {
      if (config.interfaces().isEmpty()) {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          if (ni.isLoopback() || !ni.isUp()) {
            continue;
          }
          link(ni)
              .filter(l -> config.pools().stream().anyMatch(p -> p.network().contains(l.self())))
              .ifPresent(out::add);
        }
        if (out.isEmpty()) {
          throw new DhcpException(
              "no interface has an IPv4 address inside a dhcp-range network (hint: add a range"
                  + " for a local subnet, or name the interfaces in dhcp.interfaces)");
        }
      } else {
        for (String name : config.interfaces()) {
          NetworkInterface ni = NetworkInterface.getByName(name);
          if (ni == null) {
            throw new DhcpException("interface '" + name + "' does not exist");
          }
          out.add(
              link(ni)
                  .orElseThrow(
                      () -> new DhcpException("interface '" + name + "' has no IPv4 address")));
        }
      }
    } catch (SocketException e) {
      throw new DhcpException("cannot list the network interfaces: " + e.getMessage());
    }
    return out;
  }

  private static Optional<Link> link(NetworkInterface ni) {
    for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
      if (ia.getAddress() instanceof Inet4Address a) {
        return Optional.of(new Link(ni.getName(), a, new Network(a, ia.getNetworkPrefixLength())));
      }
    }
    return Optional.empty();
  }

  private Listener open(Link link) {
    String where = link.ifname() + " 0.0.0.0:" + config.serverPort();
    int fd;
    try {
      fd = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new DhcpException("cannot open a UDP socket: " + LibC.strerror(e.getErrorCode()));
    }
    try {
      setsockopt(fd, LibC.SO_REUSEADDR, LibC.intOption(1), where);
      setsockopt(fd, LibC.SO_BROADCAST, LibC.intOption(1), where);
      setsockopt(fd, LibC.SO_RCVBUF, LibC.intOption(RCVBUF), where);
      setsockopt(fd, LibC.SO_RCVTIMEO, LibC.timeval(250), where);
      byte[] dev = (link.ifname() + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      try {
        LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, dev, dev.length);
      } catch (LastErrorException e) {
        throw new DhcpException(
            where
                + ": SO_BINDTODEVICE: "
                + LibC.strerror(e.getErrorCode())
                + (e.getErrorCode() == LibC.EPERM
                    ? " (needs CAP_NET_RAW: run as root or grant it in the systemd unit)"
                    : ""));
      }
      byte[] sa = LibC.sockaddrIn(new byte[4], config.serverPort());
      try {
        LibC.bind(fd, sa, sa.length);
      } catch (LastErrorException e) {
        int err = e.getErrorCode();
        throw new DhcpException(
            where
                + ": bind: "
                + LibC.strerror(err)
                + (err == LibC.EACCES
                    ? " (port 67 needs CAP_NET_BIND_SERVICE: run as root or grant it in the"
                        + " systemd unit)"
                    : err == LibC.EADDRINUSE
                        ? " (another DHCP server, e.g. dnsmasq or libvirt's, serves this"
                            + " interface)"
                        : ""));
      }
      return new Listener(link, fd, new InetSocketAddress(link.self(), config.serverPort()));
    } catch (RuntimeException e) {
      closeFd(fd);
      throw e;
    }
  }

  private static void setsockopt(int fd, int opt, byte[] v, String where) {
    try {
      LibC.setsockopt(fd, LibC.SOL_SOCKET, opt, v, v.length);
    } catch (LastErrorException e) {
      throw new DhcpException(
          where + ": setsockopt " + opt + ": " + LibC.strerror(e.getErrorCode()));
    }
  }

  private void serve(Listener l) {
    byte[] buf = new byte[MAX_PACKET];
    byte[] from = new byte[16];
    IntByReference fromLen = new IntByReference();
    List<Reply> replies = new ArrayList<>();
    while (!closed) {
      try {
        int flags = 0;
        for (int i = 0; i < BATCH; i++) {
          fromLen.setValue(16);
          int n;
          try {
            n = LibC.recvfrom(l.fd(), buf, buf.length, flags, from, fromLen);
          } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) {
              break;
            }
            throw e;
          }
          flags = LibC.MSG_DONTWAIT;
          DhcpPacket req;
          try {
            req = DhcpPacket.parse(buf, n);
          } catch (DhcpCodecException e) {
            engine.count("malformed");
            LOG.debug("dhcp: {}: malformed packet dropped: {}", l.link().ifname(), e.getMessage());
            continue;
          }
          engine.handle(req, l.link()).ifPresent(replies::add);
        }
        if (replies.isEmpty()) {
          continue;
        }
        engine.commit();
        for (Reply r : replies) {
          send(l, r);
        }
        replies.clear();
      } catch (RuntimeException e) {
        if (!closed) {
          // A request that trips a bug must not stop the server: log it and read the next one.
          engine.count("errors");
          LOG.error("dhcp: {}: {}", l.link().ifname(), e.toString(), e);
          replies.clear();
        }
      }
    }
  }

  private void send(Listener l, Reply r) {
    byte[] b = r.packet().encode();
    byte[] sa = LibC.sockaddrIn(r.to().getAddress(), r.port());
    try {
      LibC.sendto(l.fd(), b, b.length, 0, sa, sa.length);
    } catch (LastErrorException e) {
      engine.count("send_errors");
      LOG.warn(
          "dhcp: {}: cannot send to {}:{}: {}",
          l.link().ifname(),
          r.to().getHostAddress(),
          r.port(),
          LibC.strerror(e.getErrorCode()));
    }
  }

  private void sweep() {
    while (!closed) {
      try {
        Thread.sleep(5_000);
        engine.expire();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("dhcp: lease expiry: {}", e.toString(), e);
      }
    }
  }

  /**
   * Applies a new config while serving (SIGHUP): hosts, ranges, options, domain, lease times and
   * limits take effect with the next request; leases are kept. The served interfaces, the lease
   * file and the ports stay as they were.
   *
   * @return what of {@code next} needs a restart (empty: all of it is in effect)
   */
  public List<String> reload(DhcpConfig next) {
    DhcpConfig now = config;
    List<String> restart = new ArrayList<>();
    if (!next.interfaces().equals(now.interfaces())) {
      restart.add("dhcp.interfaces");
    }
    if (!next.leaseFile().equals(now.leaseFile())) {
      restart.add("the lease file");
    }
    if (next.serverPort() != now.serverPort() || next.clientPort() != now.clientPort()) {
      restart.add("the DHCP ports");
    }
    DhcpConfig kept =
        new DhcpConfig(
            now.interfaces(),
            next.pools(),
            next.hosts(),
            next.options(),
            next.domain(),
            next.leaseTime(),
            next.authoritative(),
            next.leaseMax(),
            next.ignore(),
            now.leaseFile(),
            now.serverPort(),
            now.clientPort(),
            next.offerHold(),
            next.declineHold());
    engine.reload(kept);
    config = kept;
    LOG.info(
        "dhcp: reloaded: {} ranges, {} hosts, {} options",
        kept.pools().size(),
        kept.hosts().size(),
        kept.options().size());
    return restart;
  }

  /** The leases a lease log holds now, read only (for {@code airgap dhcp leases}). */
  public static List<Lease> readLeases(java.nio.file.Path leaseFile) {
    return LeaseStore.sorted(LeaseStore.read(leaseFile, java.time.Instant.now()).leases().values());
  }

  /** The live leases, by address. */
  public List<Lease> leases() {
    return engine.leases();
  }

  /** The served interfaces' addresses with port 67. */
  public List<InetSocketAddress> addresses() {
    return listeners.stream().map(Listener::bound).toList();
  }

  /** Requests by message type, replies sent, malformed, ignored, exhausted. */
  public Map<String, Long> counters() {
    return engine.counters();
  }

  /** Stops answering and closes the sockets and the lease log; idempotent, never throws. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Listener l : listeners) {
      closeFd(l.fd());
    }
    try {
      engine.close();
    } catch (RuntimeException e) {
      LOG.warn("dhcp: closing the lease log: {}", e.toString());
    }
  }

  private static void closeFd(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      LOG.debug("close({}): {}", fd, e.getErrorCode());
    }
  }
}
