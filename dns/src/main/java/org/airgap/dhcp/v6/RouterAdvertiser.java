package org.airgap.dhcp.v6;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.airgap.dhcp.Mac;
import org.airgap.dns.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends router advertisements on raw ICMPv6 sockets (one per interface, pinned with {@code
 * SO_BINDTODEVICE}, in {@code ff02::2}, the kernel filtering all but router solicitations in):
 * right at start, then every {@link RaConfig#interval} (drawn between a third of it and it), and in
 * answer to each solicitation — unicast to a sender with an address, multicast at most every 3 s to
 * one without (RFC 4861 section 6.2.6). The kernel fills in the ICMPv6 checksum and picks the
 * link-local source. Raw sockets need CAP_NET_RAW: {@link #start} throws naming it.
 *
 * <p>No final advertisement with router lifetime 0 is sent on close: a restart of airgap must not
 * take the clusters' default route away.
 */
public final class RouterAdvertiser implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RouterAdvertiser.class);
  static final int ROUTER_SOLICITATION = 133;
  static final int ROUTER_ADVERTISEMENT = 134;
  private static final byte[] ALL_NODES = group(1);
  private static final byte[] ALL_ROUTERS = group(2);
  private static final long MIN_DELAY_BETWEEN_RAS_MS = 3_000;
  private static final int MAX_INITIAL_ADVERTISEMENTS = 3;
  private static final long MAX_INITIAL_INTERVAL_MS = 16_000;

  private final RaConfig config;
  private final List<Link6> links;
  private final List<Range6> ranges;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<Integer> fds = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param links the interfaces to advertise on
   * @param ranges the DHCPv6 ranges (their networks are the default prefixes)
   */
  public RouterAdvertiser(RaConfig config, List<Link6> links, List<Range6> ranges) {
    this.config = config;
    this.links = List.copyOf(links);
    this.ranges = List.copyOf(ranges);
  }

  private static byte[] group(int last) {
    byte[] g = new byte[16];
    g[0] = (byte) 0xff;
    g[1] = 2;
    g[15] = (byte) last;
    return g;
  }

  /**
   * Opens a raw ICMPv6 socket per interface and starts advertising.
   *
   * @throws Dhcp6Exception naming the interface and the reason (CAP_NET_RAW missing)
   */
  public synchronized void start() {
    List<Integer> opened = new ArrayList<>();
    try {
      for (Link6 l : links) {
        opened.add(open(l));
      }
    } catch (RuntimeException e) {
      opened.forEach(Net6::closeQuietly);
      throw e;
    }
    fds.addAll(opened);
    for (int i = 0; i < links.size(); i++) {
      Link6 l = links.get(i);
      int fd = opened.get(i);
      byte[] ra = advertisement(l, config, ranges, mac(l));
      Thread t = new Thread(() -> serve(l, fd, ra), "ra-" + l.ifname());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    LOG.info(
        "dhcp: sending router advertisements on {} (M=1 O=1, prefixes {}, router lifetime {}s,"
            + " every {}s at most)",
        links.stream().map(Link6::ifname).toList(),
        links.stream().flatMap(l -> prefixes(l, config, ranges).stream()).distinct().toList(),
        config.routerLifetime().toSeconds(),
        config.interval().toSeconds());
  }

  private static Optional<Mac> mac(Link6 l) {
    try {
      java.net.NetworkInterface ni = java.net.NetworkInterface.getByIndex(l.index());
      byte[] hw = ni == null ? null : ni.getHardwareAddress();
      if (hw != null && hw.length == 6) {
        return Optional.of(Mac.of(hw, 0, 6));
      }
    } catch (java.net.SocketException e) {
      // the next way
    }
    return Engine6.eui64(l.linkLocal());
  }

  private int open(Link6 l) {
    int fd;
    try {
      fd = Net6.socket(Net6.AF_INET6, Net6.SOCK_RAW | Net6.SOCK_CLOEXEC, Net6.IPPROTO_ICMPV6);
    } catch (LastErrorException e) {
      throw new Dhcp6Exception(
          l.ifname() + ": cannot open a raw ICMPv6 socket: " + Net6.reason(e, "CAP_NET_RAW"));
    }
    try {
      byte[] dev = (l.ifname() + "\0").getBytes(StandardCharsets.US_ASCII);
      Net6.setsockopt(fd, Net6.SOL_SOCKET, Net6.SO_BINDTODEVICE, dev, dev.length);
      Net6.setsockopt(fd, Net6.IPPROTO_IPV6, Net6.IPV6_MULTICAST_HOPS, Net6.intOption(255), 4);
      Net6.setsockopt(fd, Net6.IPPROTO_IPV6, Net6.IPV6_UNICAST_HOPS, Net6.intOption(255), 4);
      Net6.setsockopt(fd, Net6.IPPROTO_IPV6, Net6.IPV6_MULTICAST_LOOP, Net6.intOption(0), 4);
      Net6.setsockopt(fd, Net6.IPPROTO_IPV6, Net6.IPV6_MULTICAST_IF, Net6.intOption(l.index()), 4);
      byte[] filter = new byte[32]; // struct icmp6_filter: a set bit blocks the type
      java.util.Arrays.fill(filter, (byte) 0xff);
      filter[ROUTER_SOLICITATION >> 3] &= (byte) ~(1 << (ROUTER_SOLICITATION & 7));
      Net6.setsockopt(fd, Net6.IPPROTO_ICMPV6, Net6.ICMP6_FILTER, filter, filter.length);
      byte[] m = Net6.mreq(ALL_ROUTERS, l.index());
      Net6.setsockopt(fd, Net6.IPPROTO_IPV6, Net6.IPV6_JOIN_GROUP, m, m.length);
      byte[] tv = Net6.timeval(250);
      Net6.setsockopt(fd, Net6.SOL_SOCKET, Net6.SO_RCVTIMEO, tv, tv.length);
      return fd;
    } catch (LastErrorException e) {
      Net6.closeQuietly(fd);
      throw new Dhcp6Exception(
          l.ifname() + ": raw ICMPv6 socket: " + Net6.reason(e, "CAP_NET_RAW"));
    }
  }

  /** The prefixes advertised on {@code l}. */
  static List<Network> prefixes(Link6 l, RaConfig config, List<Range6> ranges) {
    if (!config.prefixes().isEmpty()) {
      return config.prefixes();
    }
    List<Network> out = new ArrayList<>();
    for (Range6 r : ranges) {
      if (l.networks().stream().anyMatch(n -> n.contains(r.start()))
          && !out.contains(r.network())) {
        out.add(r.network());
      }
    }
    if (out.isEmpty()) {
      l.networks().stream().filter(n -> n.prefix() == 64).distinct().forEach(out::add);
    }
    return out;
  }

  /** The advertisement for {@code l} (ICMPv6 type 134, checksum left to the kernel). */
  static byte[] advertisement(Link6 l, RaConfig config, List<Range6> ranges, Optional<Mac> mac) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    b.write(ROUTER_ADVERTISEMENT);
    b.write(0); // code
    b.writeBytes(new byte[2]); // checksum
    b.write(64); // current hop limit for the clients
    b.write(0x80 | 0x40); // M: addresses from DHCPv6; O: other configuration from DHCPv6
    b.writeBytes(Dhcp6Message.u16((int) config.routerLifetime().toSeconds()));
    b.writeBytes(new byte[4]); // reachable time: unspecified
    b.writeBytes(new byte[4]); // retrans timer: unspecified
    mac.ifPresent(
        m -> {
          b.write(1); // source link-layer address
          b.write(1);
          b.writeBytes(m.bytes());
        });
    config
        .mtu()
        .ifPresent(
            mtu -> {
              b.write(5);
              b.write(1);
              b.writeBytes(new byte[2]);
              b.writeBytes(Dhcp6Message.u32(mtu));
            });
    for (Network p : prefixes(l, config, ranges)) {
      b.write(3); // prefix information
      b.write(4);
      b.write(p.prefix());
      b.write(0x80); // L=1 (on-link), A=0 (no SLAAC: addresses come from DHCPv6)
      b.writeBytes(Dhcp6Message.u32(86_400)); // valid lifetime (radvd's default)
      b.writeBytes(Dhcp6Message.u32(14_400)); // preferred lifetime (radvd's default)
      b.writeBytes(new byte[4]);
      b.writeBytes(p.address().getAddress());
    }
    if (!config.rdnss().isEmpty()) {
      b.write(25); // recursive DNS server (RFC 8106)
      b.write(1 + 2 * config.rdnss().size());
      b.writeBytes(new byte[2]);
      b.writeBytes(Dhcp6Message.u32(3 * config.interval().toSeconds()));
      config.rdnss().forEach(a -> b.writeBytes(a.getAddress()));
    }
    return b.toByteArray();
  }

  private void serve(Link6 l, int fd, byte[] ra) {
    byte[] buf = new byte[1500];
    byte[] from = new byte[28];
    IntByReference fromLen = new IntByReference();
    long next = System.currentTimeMillis();
    long lastMulticast = 0;
    int initial = 0;
    while (!closed) {
      try {
        long now = System.currentTimeMillis();
        if (now >= next) {
          send(l, fd, ra, ALL_NODES, "sent_periodic");
          lastMulticast = now;
          long max = config.interval().toMillis();
          long wait = ThreadLocalRandom.current().nextLong(max / 3, max + 1);
          if (initial++ < MAX_INITIAL_ADVERTISEMENTS) {
            wait = Math.min(wait, MAX_INITIAL_INTERVAL_MS);
          }
          next = now + wait;
        }
        fromLen.setValue(from.length);
        int n;
        try {
          n = Net6.recvfrom(fd, buf, buf.length, 0, from, fromLen);
        } catch (LastErrorException e) {
          if (e.getErrorCode() == Net6.EAGAIN || e.getErrorCode() == Net6.EINTR) {
            continue;
          }
          throw e;
        }
        if (n < 8 || (buf[0] & 0xff) != ROUTER_SOLICITATION || buf[1] != 0) {
          count("malformed");
          continue;
        }
        count("solicitations");
        byte[] src = java.util.Arrays.copyOfRange(from, 8, 24);
        if (!java.util.Arrays.equals(src, new byte[16])) {
          send(l, fd, ra, src, "sent_solicited");
        } else if (System.currentTimeMillis() - lastMulticast >= MIN_DELAY_BETWEEN_RAS_MS) {
          send(l, fd, ra, ALL_NODES, "sent_solicited");
          lastMulticast = System.currentTimeMillis();
        } else {
          // answer with the next multicast, soon: RFC 4861 rate-limits them
          next = Math.min(next, lastMulticast + MIN_DELAY_BETWEEN_RAS_MS);
        }
      } catch (RuntimeException e) {
        if (!closed) {
          count("errors");
          LOG.error("ra: {}: {}", l.ifname(), e.toString(), e);
          try {
            Thread.sleep(1000);
          } catch (InterruptedException x) {
            return;
          }
        }
      }
    }
  }

  private void send(Link6 l, int fd, byte[] ra, byte[] to, String counter) {
    byte[] sa = Net6.sockaddrIn6(to, 0, l.index());
    try {
      Net6.sendto(fd, ra, ra.length, 0, sa, sa.length);
      count(counter);
    } catch (LastErrorException e) {
      count("send_errors");
      LOG.warn("ra: {}: cannot send: {}", l.ifname(), Net6.strerror(e.getErrorCode()));
    }
  }

  private void count(String name) {
    counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  /** Solicitations received, advertisements sent (periodic, solicited), errors. */
  public Map<String, Long> counters() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    counters.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** Stops advertising; idempotent, never throws. */
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
    fds.forEach(Net6::closeQuietly);
  }
}
