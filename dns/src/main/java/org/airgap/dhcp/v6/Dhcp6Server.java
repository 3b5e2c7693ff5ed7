package org.airgap.dhcp.v6;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.airgap.dhcp.Mac;
import org.airgap.dns.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv6 server. One UDP socket on {@code [::]:547} joins All_DHCP_Relay_Agents_and_Servers
 * ({@code ff02::1:2}) on every served interface and sends the replies. Requests are read from a
 * packet socket per interface (AF_PACKET, filtered in the kernel to UDP port 547), which gives the
 * Ethernet source of each request: the MAC that static hosts are matched by, whatever DUID the
 * client sends (RHCOS sends a DUID-UUID). A packet socket needs CAP_NET_RAW, which the DHCPv4 side
 * needs too; without it the server reads from the UDP socket and matches hosts by the MAC inside a
 * DUID-LL/LLT or an EUI-64 link-local address only, and says so when it starts.
 *
 * <p>One thread per interface reads a request, then whatever else is queued (up to 64), answers
 * them, fsyncs the lease log once for the batch and only then sends the replies.
 */
public final class Dhcp6Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dhcp6Server.class);
  private static final int BATCH = 64;
  private static final int MAX_PACKET = 1500;

  /**
   * The packet socket's receive buffer: small on purpose. Under overload a deep queue only holds
   * requests whose clients have given up by the time they are answered (every reply late, none
   * useful: a collapse); a shallow one drops the excess at once and keeps the answers fresh.
   */
  private static final int RCVBUF = 256 << 10;

  private static final byte[] ALL_DHCP_SERVERS = {
    (byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2
  };

  private volatile Dhcp6Config config;
  private final RaConfig raConfig;
  private final Lease6Listener leases;
  private final InstantSource clock;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<Integer> packetFds = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private boolean started;
  private Engine6 engine;
  private int udp = -1;
  private List<Link6> links = List.of();
  private boolean seesMacs;
  private RouterAdvertiser ra;
  private Optional<String> raProblem = Optional.empty();

  public Dhcp6Server(Dhcp6Config config, Lease6Listener leases) {
    this(config, RaConfig.off(), leases, InstantSource.system());
  }

  public Dhcp6Server(Dhcp6Config config, RaConfig ra, Lease6Listener leases) {
    this(config, ra, leases, InstantSource.system());
  }

  /**
   * @param ra router advertisements on the served interfaces (or those {@code ra} names), when
   *     enabled
   */
  public Dhcp6Server(Dhcp6Config config, RaConfig ra, Lease6Listener leases, InstantSource clock) {
    this.config = config;
    this.raConfig = ra;
    this.leases = leases;
    this.clock = clock;
  }

  /**
   * Loads the bindings, opens the sockets and starts answering.
   *
   * @throws Dhcp6Exception naming the interface and the reason (a missing capability, port 547 in
   *     use)
   */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("start() once, before close()");
    }
    started = true;
    links = links(config);
    engine =
        new Engine6(config, new Lease6Store(config.leaseFile()), leases, clock, serverDuid(links));
    engine.open();
    try {
      udp = openUdp();
      List<Integer> fds = new ArrayList<>();
      String noRaw = null;
      for (Link6 l : links) {
        try {
          fds.add(openPacket(l));
        } catch (Dhcp6Exception e) {
          noRaw = e.getMessage();
          break;
        }
      }
      if (noRaw == null) {
        seesMacs = true;
        packetFds.addAll(fds);
        for (int i = 0; i < links.size(); i++) {
          Link6 l = links.get(i);
          int fd = fds.get(i);
          thread("dhcp6-" + l.ifname(), () -> servePacket(l, fd));
        }
      } else {
        fds.forEach(Net6::closeQuietly);
        LOG.warn(
            "dhcp6: {}; static hosts are matched only by a DUID-LL/LLT or EUI-64 link-local"
                + " address, not by the sender's MAC (RHCOS sends a DUID-UUID)",
            noRaw);
        thread("dhcp6-udp", this::serveUdp);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    thread("dhcp6-expiry", this::sweep);
    if (raConfig.enabled()) {
      startRa();
    }
    LOG.info(
        "dhcp: serving DHCPv6 on {} with {} leases from {}",
        links.stream().map(l -> l.ifname() + " (" + l.self().getHostAddress() + ")").toList(),
        engine.leases().size(),
        config.leaseFile());
  }

  /**
   * Router advertisements, when they can be sent: without CAP_NET_RAW start says so and DHCPv6 goes
   * on serving.
   */
  private void startRa() {
    try {
      List<Link6> raLinks =
          raConfig.interfaces().isEmpty()
              ? links
              : links(config.withInterfaces(raConfig.interfaces()));
      RouterAdvertiser r = new RouterAdvertiser(raConfig, raLinks, config.ranges());
      r.start();
      ra = r;
    } catch (Dhcp6Exception e) {
      raProblem = Optional.of(e.getMessage());
      LOG.warn(
          "dhcp: router advertisements are OFF: {}. DHCPv6 still answers, but clients start"
              + " DHCPv6 only when a router advertisement with M=1 tells them to: grant"
              + " CAP_NET_RAW (AmbientCapabilities=CAP_NET_RAW in the unit) or run radvd",
          e.getMessage());
    }
  }

  /**
   * Applies a new config while serving (SIGHUP): ranges, hosts, DNS servers, domains, lease times,
   * rapid commit and limits take effect with the next request; bindings are kept. What the sockets
   * or the router advertisements were built from stays as it was and is returned: the served
   * interfaces (also when new ranges would pick other ones), the lease file, the port, the
   * advertised prefixes.
   *
   * @return what of {@code next} needs a restart (empty: all of it is in effect)
   */
  public synchronized List<String> reload(Dhcp6Config next) {
    Dhcp6Config now = config;
    List<String> restart = new ArrayList<>();
    if (!next.interfaces().equals(now.interfaces())) {
      restart.add("dhcp.interfaces (DHCPv6)");
    } else if (next.interfaces().isEmpty() && !sameLinks(next)) {
      restart.add("the interfaces DHCPv6 serves (the ranges now match other ones)");
    }
    if (!next.leaseFile().equals(now.leaseFile())) {
      restart.add("the DHCPv6 lease file");
    }
    if (next.serverPort() != now.serverPort()) {
      restart.add("the DHCPv6 port");
    }
    if (ra != null && raConfig.prefixes().isEmpty() && !prefixes(next).equals(prefixes(now))) {
      restart.add("the prefixes in router advertisements");
    }
    Dhcp6Config kept =
        new Dhcp6Config(
            now.interfaces(),
            next.ranges(),
            next.hosts(),
            next.dnsServers(),
            next.domains(),
            next.leaseTime(),
            next.rapidCommit(),
            next.leaseMax(),
            next.ignoreUnknown(),
            now.leaseFile(),
            now.serverPort(),
            next.offerHold(),
            next.declineHold());
    if (engine != null) {
      engine.reload(kept);
    }
    config = kept;
    LOG.info(
        "dhcp: DHCPv6 reloaded: {} ranges, {} hosts", kept.ranges().size(), kept.hosts().size());
    return restart;
  }

  private boolean sameLinks(Dhcp6Config next) {
    try {
      return links(next).stream()
          .map(Link6::ifname)
          .toList()
          .equals(links.stream().map(Link6::ifname).toList());
    } catch (Dhcp6Exception e) {
      return false;
    }
  }

  private static List<Network> prefixes(Dhcp6Config c) {
    return c.ranges().stream().map(Range6::network).distinct().toList();
  }

  /** Why router advertisements are not sent although enabled, if they are not. */
  public Optional<String> raProblem() {
    return raProblem;
  }

  private void thread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** The served interfaces. */
  static List<Link6> links(Dhcp6Config config) {
    List<IfAddresses.Entry> all = IfAddresses.read();
    List<Link6> out = new ArrayList<>();
    if (config.interfaces().isEmpty()) {
      for (String name : all.stream().map(IfAddresses.Entry::ifname).distinct().toList()) {
        if (name.equals("lo")) {
          continue;
        }
        Optional<Link6> l = link(name, all, config);
        if (l.isPresent() && serves(l.get(), config)) {
          out.add(l.get());
        }
      }
      if (out.isEmpty()) {
        throw new Dhcp6Exception(
            "no interface has an IPv6 address inside the network of a DHCPv6 range or static"
                + " host (hint: add a range for a local /64, or name the interfaces)");
      }
    } else {
      for (String name : config.interfaces()) {
        if (Net6.if_nametoindex(name) == 0) {
          throw new Dhcp6Exception("interface '" + name + "' does not exist");
        }
        out.add(
            link(name, all, config)
                .orElseThrow(
                    () ->
                        new Dhcp6Exception(
                            "interface '"
                                + name
                                + "' has no IPv6 link-local address (is IPv6 off on it?)")));
      }
    }
    return out;
  }

  /** Whether a range or a static host's address is inside one of the link's networks. */
  private static boolean serves(Link6 l, Dhcp6Config config) {
    return l.networks().stream()
        .anyMatch(
            n ->
                config.ranges().stream().anyMatch(r -> n.contains(r.start()))
                    || config.hosts().stream()
                        .anyMatch(h -> h.address().filter(n::contains).isPresent()));
  }

  static Optional<Link6> link(String name, List<IfAddresses.Entry> all, Dhcp6Config config) {
    Inet6Address linkLocal = null;
    int index = 0;
    List<Inet6Address> globals = new ArrayList<>();
    List<Network> networks = new ArrayList<>();
    for (IfAddresses.Entry e : all) {
      if (!e.ifname().equals(name)) {
        continue;
      }
      index = e.index();
      if (e.linkLocal()) {
        linkLocal = linkLocal == null ? e.address() : linkLocal;
      } else if (!e.address().isLoopbackAddress()) {
        globals.add(e.address());
        networks.add(new Network(e.address(), e.prefix()));
      }
    }
    if (linkLocal == null) {
      return Optional.empty();
    }
    Inet6Address self =
        globals.stream()
            .filter(g -> config.ranges().stream().anyMatch(r -> r.network().contains(g)))
            .findFirst()
            .or(() -> globals.stream().findFirst())
            .orElse(linkLocal);
    return Optional.of(new Link6(name, index, linkLocal, self, networks));
  }

  /**
   * DUID-LL of the first served interface's MAC (by name, so it survives restarts), else of the MAC
   * its EUI-64 link-local address was made from.
   */
  private static Duid serverDuid(List<Link6> links) {
    for (Link6 l : links.stream().sorted(Comparator.comparing(Link6::ifname)).toList()) {
      try {
        NetworkInterface ni = NetworkInterface.getByIndex(l.index());
        byte[] hw = ni == null ? null : ni.getHardwareAddress();
        if (hw != null && hw.length == 6) {
          return Duid.ll(Mac.of(hw, 0, 6));
        }
      } catch (SocketException e) {
        // the next way
      }
      Optional<Mac> m = Engine6.eui64(l.linkLocal());
      if (m.isPresent()) {
        return Duid.ll(m.get());
      }
    }
    return Duid.ll(Mac.parse("02:00:00:00:05:47"));
  }

  /** The UDP socket on {@code [::]:547}, in {@code ff02::1:2} on every served interface. */
  private int openUdp() {
    String where = "[::]:" + config.serverPort();
    int fd;
    try {
      fd = Net6.socket(Net6.AF_INET6, Net6.SOCK_DGRAM | Net6.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new Dhcp6Exception("cannot open an IPv6 UDP socket: " + Net6.reason(e, "IPv6"));
    }
    try {
      Net6.setsockopt(fd, Net6.SOL_SOCKET, Net6.SO_REUSEADDR, Net6.intOption(1), 4);
      Net6.setsockopt(fd, Net6.IPPROTO_IPV6, Net6.IPV6_MULTICAST_LOOP, Net6.intOption(0), 4);
      byte[] tv = Net6.timeval(250);
      Net6.setsockopt(fd, Net6.SOL_SOCKET, Net6.SO_RCVTIMEO, tv, tv.length);
      byte[] sa = Net6.sockaddrIn6(new byte[16], config.serverPort(), 0);
      try {
        Net6.bind(fd, sa, sa.length);
      } catch (LastErrorException e) {
        int err = e.getErrorCode();
        throw new Dhcp6Exception(
            where
                + ": bind: "
                + Net6.strerror(err)
                + (err == Net6.EACCES
                    ? " (port 547 needs CAP_NET_BIND_SERVICE: run as root or grant it in the"
                        + " systemd unit)"
                    : err == Net6.EADDRINUSE
                        ? " (another DHCPv6 server, e.g. dnsmasq, serves this host)"
                        : ""));
      }
      for (Link6 l : links) {
        byte[] m = Net6.mreq(ALL_DHCP_SERVERS, l.index());
        try {
          Net6.setsockopt(fd, Net6.IPPROTO_IPV6, Net6.IPV6_JOIN_GROUP, m, m.length);
        } catch (LastErrorException e) {
          throw new Dhcp6Exception(
              l.ifname() + ": cannot join ff02::1:2: " + Net6.strerror(e.getErrorCode()));
        }
      }
      return fd;
    } catch (RuntimeException e) {
      Net6.closeQuietly(fd);
      throw e;
    }
  }

  /** A packet socket on {@code l} that sees only UDP to the server port. */
  private int openPacket(Link6 l) {
    int fd;
    try {
      // protocol 0: nothing arrives before the filter is attached and the socket bound
      fd = Net6.socket(Net6.AF_PACKET, Net6.SOCK_DGRAM | Net6.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new Dhcp6Exception(
          l.ifname() + ": cannot open a packet socket: " + Net6.reason(e, "CAP_NET_RAW"));
    }
    try {
      Net6.attachUdpPortFilter(fd, config.serverPort());
      byte[] rcvbuf = Net6.intOption(RCVBUF);
      Net6.setsockopt(fd, Net6.SOL_SOCKET, Net6.SO_RCVBUF, rcvbuf, 4);
      byte[] tv = Net6.timeval(250);
      Net6.setsockopt(fd, Net6.SOL_SOCKET, Net6.SO_RCVTIMEO, tv, tv.length);
      byte[] sa = Net6.sockaddrLl(Net6.ETH_P_IPV6, l.index());
      Net6.bind(fd, sa, sa.length);
      return fd;
    } catch (LastErrorException e) {
      Net6.closeQuietly(fd);
      throw new Dhcp6Exception(l.ifname() + ": packet socket: " + Net6.reason(e, "CAP_NET_RAW"));
    }
  }

  private void servePacket(Link6 l, int fd) {
    byte[] buf = new byte[MAX_PACKET + 48];
    byte[] from = new byte[20];
    IntByReference fromLen = new IntByReference();
    List<Pending> replies = new ArrayList<>();
    while (!closed) {
      try {
        int flags = 0;
        for (int i = 0; i < BATCH; i++) {
          fromLen.setValue(from.length);
          int n;
          try {
            n = Net6.recvfrom(fd, buf, buf.length, flags, from, fromLen);
          } catch (LastErrorException e) {
            if (e.getErrorCode() == Net6.EAGAIN || e.getErrorCode() == Net6.EINTR) {
              break;
            }
            throw e;
          }
          flags = Net6.MSG_DONTWAIT;
          if ((from[10] & 0xff) == Net6.PACKET_OUTGOING) {
            continue;
          }
          Optional<Mac> mac =
              (from[11] & 0xff) == 6 ? Optional.of(Mac.of(from, 12, 6)) : Optional.empty();
          // IPv6 header (40 bytes, the filter saw next header UDP), then the UDP header
          if (n < 48 || (buf[0] & 0xf0) != 0x60) {
            engine.count("malformed");
            continue;
          }
          int udpLen = Dhcp6Message.u16(buf, 44);
          if (udpLen < 8 || 40 + udpLen > n) {
            engine.count("malformed");
            continue;
          }
          Inet6Address src = scoped(Arrays.copyOfRange(buf, 8, 24), l.index());
          int port = Dhcp6Message.u16(buf, 40);
          handle(l, buf, 48, udpLen - 8, src, port, mac, replies);
        }
        flush(replies);
      } catch (RuntimeException e) {
        if (!closed) {
          engine.count("errors");
          LOG.error("dhcp6: {}: {}", l.ifname(), e.toString(), e);
          replies.clear();
        }
      }
    }
  }

  private record Pending(Dhcp6Message reply, Inet6Address to, int port) {}

  private void handle(
      Link6 l,
      byte[] buf,
      int offset,
      int length,
      Inet6Address src,
      int port,
      Optional<Mac> mac,
      List<Pending> replies) {
    Dhcp6Message req;
    try {
      req = Dhcp6Message.parse(buf, offset, length);
    } catch (Dhcp6CodecException e) {
      engine.count("malformed");
      LOG.debug("dhcp6: {}: malformed packet dropped: {}", l.ifname(), e.getMessage());
      return;
    }
    try {
      engine.handle(req, l, src, mac).ifPresent(r -> replies.add(new Pending(r, src, port)));
    } catch (Dhcp6CodecException e) {
      engine.count("malformed");
      LOG.debug("dhcp6: {}: malformed packet dropped: {}", l.ifname(), e.getMessage());
    }
  }

  private void flush(List<Pending> replies) {
    if (replies.isEmpty()) {
      return;
    }
    engine.commit();
    for (Pending p : replies) {
      byte[] b = p.reply().encode();
      byte[] sa = Net6.sockaddrIn6(p.to().getAddress(), p.port(), p.to().getScopeId());
      try {
        Net6.sendto(udp, b, b.length, 0, sa, sa.length);
      } catch (LastErrorException e) {
        engine.count("send_errors");
        LOG.warn(
            "dhcp6: cannot send to [{}]:{}: {}",
            p.to().getHostAddress(),
            p.port(),
            Net6.strerror(e.getErrorCode()));
      }
    }
    replies.clear();
  }

  private static Inet6Address scoped(byte[] a, int index) {
    try {
      Inet6Address x = Dhcp6Message.v6(a);
      return x.isLinkLocalAddress() ? Inet6Address.getByAddress(null, a, index) : x;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Without CAP_NET_RAW: requests from the UDP socket; the link from the sender's scope. */
  private void serveUdp() {
    byte[] buf = new byte[MAX_PACKET];
    byte[] from = new byte[28];
    IntByReference fromLen = new IntByReference();
    List<Pending> replies = new ArrayList<>();
    while (!closed) {
      try {
        fromLen.setValue(from.length);
        int n;
        try {
          n = Net6.recvfrom(udp, buf, buf.length, 0, from, fromLen);
        } catch (LastErrorException e) {
          if (e.getErrorCode() == Net6.EAGAIN || e.getErrorCode() == Net6.EINTR) {
            continue;
          }
          throw e;
        }
        int scope =
            (from[24] & 0xff)
                | ((from[25] & 0xff) << 8)
                | ((from[26] & 0xff) << 16)
                | ((from[27] & 0xff) << 24);
        Link6 l = links.stream().filter(x -> x.index() == scope).findFirst().orElse(links.get(0));
        Inet6Address src = scoped(Arrays.copyOfRange(from, 8, 24), l.index());
        handle(l, buf, 0, n, src, Dhcp6Message.u16(from, 2), Optional.empty(), replies);
        flush(replies);
      } catch (RuntimeException e) {
        if (!closed) {
          engine.count("errors");
          LOG.error("dhcp6: {}", e.toString(), e);
          replies.clear();
        }
      }
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
        LOG.error("dhcp6: lease expiry: {}", e.toString(), e);
      }
    }
  }

  /** The bindings a lease log holds now, read only (for {@code airgap dhcp leases}). */
  public static List<Lease6> readLeases(Path leaseFile) {
    return Lease6Store.sorted(Lease6Store.read(leaseFile, Instant.now()).leases().values());
  }

  /** The live bindings, by address. */
  public List<Lease6> leases() {
    return engine == null ? List.of() : engine.leases();
  }

  /** The served interfaces. */
  public List<Link6> links() {
    return links;
  }

  /** Whether requests are read from packet sockets (static hosts matched by the sender's MAC). */
  public boolean seesMacs() {
    return seesMacs;
  }

  /** The server's DUID. */
  public Optional<Duid> serverId() {
    return Optional.ofNullable(engine).map(Engine6::serverId);
  }

  /** The UDP socket's address on each served interface (the global one, else link-local). */
  public List<InetSocketAddress> addresses() {
    return links.stream().map(l -> new InetSocketAddress(l.self(), config.serverPort())).toList();
  }

  /** Requests by message type, replies sent, malformed, dropped, ignored, exhausted. */
  public Map<String, Long> counters() {
    Map<String, Long> m =
        new java.util.LinkedHashMap<>(engine == null ? Map.of() : engine.counters());
    if (ra != null) {
      ra.counters().forEach((k, v) -> m.put("ra_" + k, v));
    }
    return m;
  }

  /** Stops answering, closes the sockets and the lease log; idempotent, never throws. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ra != null) {
      ra.close();
    }
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
    packetFds.forEach(Net6::closeQuietly);
    if (udp >= 0) {
      Net6.closeQuietly(udp);
    }
    if (engine != null) {
      try {
        engine.close();
      } catch (RuntimeException e) {
        LOG.warn("dhcp6: closing the lease log: {}", e.toString());
      }
    }
  }
}
