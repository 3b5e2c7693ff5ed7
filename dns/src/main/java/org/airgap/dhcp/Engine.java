package org.airgap.dhcp;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.airgap.dns.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv4 protocol (RFC 2131 section 4.3) over the lease state, without sockets: a request and
 * the link it came in on go in, at most one reply comes out. Leases are recorded in the {@link
 * LeaseStore} as they are granted; the caller {@link #commit}s a batch before sending its replies,
 * so no ACK leaves before its lease is on disk.
 */
final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** Options every reply carries when they have a value, requested or not. */
  private static final Set<Integer> ALWAYS = Set.of(1, 3, 6, 12, 15, 51, 53, 54, 58, 59);

  private DhcpConfig config; // replaced by reload(); read under this object's lock
  private final LeaseStore store;
  private final LeaseListener listener;
  private final InstantSource clock;
  private final Map<Mac, Lease> byMac = new HashMap<>();
  private final Map<Integer, Lease> byAddress = new HashMap<>();
  private final Map<Integer, Offer> offers = new HashMap<>();
  private final Map<Integer, Instant> declined = new HashMap<>();
  private final Map<Integer, StaticHost> staticAddresses = new HashMap<>();
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private Instant lastExhaustedLog = Instant.EPOCH;

  private record Offer(Mac mac, Instant until) {}

  /** What is known about a client before choosing its address. */
  private record Client(Mac mac, Optional<StaticHost> host, Set<String> tags, List<Pool> pools) {}

  Engine(DhcpConfig config, LeaseStore store, LeaseListener listener, InstantSource clock) {
    this.config = config;
    this.store = store;
    this.listener = listener;
    this.clock = clock;
  }

  /** Loads the lease log and tells the listener about every live lease. */
  synchronized void open() {
    for (StaticHost h : config.hosts()) {
      h.address().ifPresent(a -> staticAddresses.putIfAbsent(toInt(a), h));
    }
    LeaseStore.State s = store.open(clock.instant());
    s.leases().values().forEach(this::put);
    s.declined().forEach((a, t) -> declined.put(toInt(a), t));
    s.leases().values().forEach(listener::bound);
  }

  /**
   * Takes new hosts, ranges, options and limits (SIGHUP). Leases stay as they are: one that the new
   * config no longer allows is NAKed at its next renewal, as after a restart.
   */
  synchronized void reload(DhcpConfig next) {
    config = next;
    staticAddresses.clear();
    for (StaticHost h : next.hosts()) {
      h.address().ifPresent(a -> staticAddresses.putIfAbsent(toInt(a), h));
    }
  }

  private void put(Lease l) {
    Lease old = byMac.put(l.mac(), l);
    if (old != null && !old.address().equals(l.address())) {
      byAddress.remove(toInt(old.address()));
    }
    Lease other = byAddress.put(toInt(l.address()), l);
    if (other != null && !other.mac().equals(l.mac())) {
      byMac.remove(other.mac());
    }
  }

  private void drop(Lease l) {
    byMac.remove(l.mac());
    byAddress.remove(toInt(l.address()));
  }

  synchronized List<Lease> leases() {
    return LeaseStore.sorted(byMac.values());
  }

  Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    counters.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  void count(String name) {
    counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  /** The reply to {@code req} received on {@code link}, if it gets one. */
  synchronized Optional<Reply> handle(DhcpPacket req, Link link) {
    if (req.op() != DhcpPacket.BOOTREQUEST) {
      count("dropped");
      return Optional.empty();
    }
    Optional<MessageType> type = req.type();
    if (type.isEmpty()) {
      count("dropped"); // BOOTP without DHCP: not served
      return Optional.empty();
    }
    count(type.get().name().toLowerCase(java.util.Locale.ROOT));
    Client c = classify(req, link);
    for (List<String> cond : config.ignore()) {
      if (Tags.match(cond, c.tags())) {
        count("ignored");
        return Optional.empty();
      }
    }
    if (c.host().map(StaticHost::ignore).orElse(false)) {
      count("ignored");
      return Optional.empty();
    }
    Instant now = clock.instant();
    Optional<Reply> r =
        switch (type.get()) {
          case DISCOVER -> discover(req, link, c, now);
          case REQUEST -> request(req, link, c, now);
          case DECLINE -> decline(req, link, c, now);
          case RELEASE -> release(req, c);
          case INFORM -> inform(req, link, c);
          default -> Optional.empty();
        };
    r.flatMap(x -> x.packet().type())
        .ifPresent(t -> count("sent_" + t.name().toLowerCase(java.util.Locale.ROOT)));
    return r;
  }

  private Client classify(DhcpPacket req, Link link) {
    Optional<byte[]> clientId = req.option(61);
    Optional<StaticHost> host =
        config.hosts().stream()
            .filter(h -> h.matchesClientId(clientId))
            .findFirst()
            .or(() -> config.hosts().stream().filter(h -> h.matches(req.chaddr())).findFirst());
    Set<String> tags = new HashSet<>();
    tags.add(link.ifname());
    host.ifPresent(
        h -> {
          tags.add("known");
          tags.addAll(h.sets());
        });
    Inet4Address linkAddress = relayed(req) ? req.giaddr() : link.self();
    List<Pool> pools = new ArrayList<>();
    for (Pool p : config.pools()) {
      if (p.network().contains(linkAddress) && Tags.match(p.tags(), tags)) {
        pools.add(p);
      }
    }
    pools.forEach(p -> tags.addAll(p.sets()));
    return new Client(req.chaddr(), host, tags, pools);
  }

  private static boolean relayed(DhcpPacket req) {
    return !req.giaddr().equals(DhcpPacket.ZERO);
  }

  /** The static address of the client when it is on this link. */
  private Optional<Inet4Address> staticAddress(Client c) {
    return c.host()
        .flatMap(StaticHost::address)
        .filter(a -> c.pools().stream().anyMatch(p -> p.network().contains(a)));
  }

  private boolean available(int a, Mac mac, Instant now) {
    Lease l = byAddress.get(a);
    if (l != null && !l.mac().equals(mac) && !l.expired(now)) {
      return false;
    }
    Offer o = offers.get(a);
    if (o != null && !o.mac().equals(mac) && o.until().isAfter(now)) {
      return false;
    }
    Instant d = declined.get(a);
    if (d != null && d.isAfter(now)) {
      return false;
    }
    StaticHost h = staticAddresses.get(a);
    return h == null || h.matches(mac);
  }

  private Optional<Pool> dynamicPool(Client c, Inet4Address a) {
    return c.pools().stream().filter(p -> !p.staticOnly() && p.inRange(a)).findFirst();
  }

  /** Whether the client may hold {@code a} now. */
  private boolean valid(Client c, Inet4Address a, Instant now) {
    Optional<Inet4Address> s = staticAddress(c);
    if (s.isPresent()) {
      return s.get().equals(a);
    }
    return dynamicPool(c, a).isPresent() && available(toInt(a), c.mac(), now);
  }

  private Optional<Inet4Address> choose(Client c, Optional<Inet4Address> requested, Instant now) {
    Optional<Inet4Address> s = staticAddress(c);
    if (s.isPresent()) {
      return s;
    }
    Lease mine = byMac.get(c.mac());
    if (mine != null && valid(c, mine.address(), now)) {
      return Optional.of(mine.address());
    }
    Offer offered = null;
    for (Map.Entry<Integer, Offer> e : offers.entrySet()) {
      if (e.getValue().mac().equals(c.mac())) {
        offered = e.getValue();
        Inet4Address a = fromInt(e.getKey());
        if (valid(c, a, now)) {
          return Optional.of(a);
        }
      }
    }
    if (requested.isPresent() && valid(c, requested.get(), now)) {
      return requested;
    }
    if (mine == null && offered == null && byMac.size() >= config.leaseMax()) {
      logExhausted("dhcp-lease-max " + config.leaseMax() + " reached", now);
      return Optional.empty();
    }
    for (Pool p : c.pools()) {
      long size = p.size();
      if (size == 0) {
        continue;
      }
      long first = toInt(p.start()) & 0xffffffffL;
      // Start where the MAC hashes to: a client tends to get the same address back even after
      // its lease is gone, and a crowd of new clients spreads over the range.
      long start = Math.floorMod((long) c.mac().hashCode() * 0x9E3779B1L, size);
      for (long i = 0; i < size; i++) {
        int a = (int) (first + (start + i) % size);
        if (usable(a, p.network()) && available(a, c.mac(), now)) {
          return Optional.of(fromInt(a));
        }
      }
    }
    logExhausted("no free address in " + describe(c.pools()), now);
    return Optional.empty();
  }

  private static boolean usable(int a, Network n) {
    int mask = n.prefix() == 0 ? 0 : -1 << (32 - n.prefix());
    int host = a & ~mask;
    return n.prefix() >= 31 || (host != 0 && host != ~mask);
  }

  private void logExhausted(String why, Instant now) {
    count("exhausted");
    if (Duration.between(lastExhaustedLog, now).toSeconds() >= 10) {
      lastExhaustedLog = now;
      LOG.warn("dhcp: {}: new clients get no offer", why);
    }
  }

  private static String describe(List<Pool> pools) {
    if (pools.isEmpty()) {
      return "any range (no dhcp-range matches the link and the client's tags)";
    }
    return pools.stream()
        .map(p -> p.start().getHostAddress() + "-" + p.end().getHostAddress())
        .reduce((a, b) -> a + ", " + b)
        .orElse("");
  }

  private Optional<Reply> discover(DhcpPacket req, Link link, Client c, Instant now) {
    Optional<Inet4Address> a = choose(c, req.addressOption(50), now);
    if (a.isEmpty()) {
      return Optional.empty();
    }
    offers.values().removeIf(o -> o.mac().equals(c.mac()));
    offers.put(toInt(a.get()), new Offer(c.mac(), now.plus(config.offerHold())));
    return Optional.of(reply(req, link, c, MessageType.OFFER, a.get()));
  }

  private Optional<Reply> request(DhcpPacket req, Link link, Client c, Instant now) {
    Optional<Inet4Address> serverId = req.addressOption(54);
    if (serverId.isPresent() && !serverId.get().equals(link.self())) {
      offers.values().removeIf(o -> o.mac().equals(c.mac())); // it chose another server
      return Optional.empty();
    }
    Optional<Inet4Address> want = req.addressOption(50);
    if (want.isEmpty() && !req.ciaddr().equals(DhcpPacket.ZERO)) {
      want = Optional.of(req.ciaddr());
    }
    if (want.isEmpty()) {
      return Optional.of(nak(req, link, "no address requested"));
    }
    Inet4Address a = want.get();
    Lease mine = byMac.get(c.mac());
    boolean known = mine != null && mine.address().equals(a);
    if (valid(c, a, now)) {
      if (serverId.isEmpty() && !known && !config.authoritative() && !offered(c.mac(), a, now)) {
        // INIT-REBOOT or renewal of a lease we never gave: only an authoritative server answers.
        return Optional.empty();
      }
      return Optional.of(ack(req, link, c, a, now));
    }
    if (serverId.isPresent() || config.authoritative() || known || onLink(c, a)) {
      return Optional.of(nak(req, link, "address " + a.getHostAddress() + " is not yours"));
    }
    return Optional.empty();
  }

  private boolean offered(Mac mac, Inet4Address a, Instant now) {
    Offer o = offers.get(toInt(a));
    return o != null && o.mac().equals(mac) && o.until().isAfter(now);
  }

  /** Whether {@code a} belongs to a network this server serves for the client's link. */
  private static boolean onLink(Client c, Inet4Address a) {
    return c.pools().stream().anyMatch(p -> p.network().contains(a));
  }

  private Reply ack(DhcpPacket req, Link link, Client c, Inet4Address a, Instant now) {
    Duration time = leaseTime(c, a);
    Instant expires = time.equals(Durations.INFINITE) ? Lease.NEVER : now.plus(time);
    Lease l = new Lease(c.mac(), a, hostname(req, c), expires);
    Lease before = byMac.get(c.mac());
    Lease displaced = byAddress.get(toInt(a));
    if (displaced != null && !displaced.mac().equals(c.mac())) {
      listener.ended(displaced); // expired lease of another client
    }
    if (before != null && !before.address().equals(a)) {
      listener.ended(before);
    }
    offers.remove(toInt(a));
    put(l);
    store.granted(l);
    listener.bound(l);
    return reply(req, link, c, MessageType.ACK, a);
  }

  private Duration leaseTime(Client c, Inet4Address a) {
    Optional<Duration> t = c.host().flatMap(StaticHost::leaseTime);
    if (t.isEmpty()) {
      t =
          c.pools().stream()
              .filter(p -> p.network().contains(a))
              .findFirst()
              .flatMap(Pool::leaseTime);
    }
    return t.orElse(config.leaseTime());
  }

  private Optional<String> hostname(DhcpPacket req, Client c) {
    Optional<String> name = c.host().flatMap(StaticHost::hostname);
    if (name.isPresent()) {
      return name;
    }
    return req.textOption(12).map(Engine::sanitize).filter(s -> !s.isEmpty());
  }

  /** The first label of a client's host name, as a DNS label (letters, digits, dashes). */
  static String sanitize(String name) {
    String first = name.split("\\.", 2)[0].toLowerCase(java.util.Locale.ROOT);
    String s = first.replaceAll("[^a-z0-9-]", "").replaceAll("^-+|-+$", "");
    return s.length() > 63 ? s.substring(0, 63) : s;
  }

  private Optional<Reply> decline(DhcpPacket req, Link link, Client c, Instant now) {
    Optional<Inet4Address> serverId = req.addressOption(54);
    Optional<Inet4Address> a = req.addressOption(50);
    if (a.isEmpty() || (serverId.isPresent() && !serverId.get().equals(link.self()))) {
      return Optional.empty();
    }
    int ai = toInt(a.get());
    Instant until = now.plus(config.declineHold());
    declined.put(ai, until);
    offers.remove(ai);
    store.declined(a.get(), until);
    Lease l = byAddress.get(ai);
    if (l != null && l.mac().equals(c.mac())) {
      drop(l);
      store.freed(l);
      listener.ended(l);
    }
    LOG.warn(
        "dhcp: {} declined {}: another host uses it; not offered for {}",
        c.mac(),
        a.get().getHostAddress(),
        config.declineHold());
    return Optional.empty();
  }

  private Optional<Reply> release(DhcpPacket req, Client c) {
    Lease l = byMac.get(c.mac());
    if (l != null && l.address().equals(req.ciaddr())) {
      drop(l);
      store.freed(l);
      listener.ended(l);
    }
    return Optional.empty();
  }

  private Optional<Reply> inform(DhcpPacket req, Link link, Client c) {
    if (req.ciaddr().equals(DhcpPacket.ZERO)) {
      return Optional.empty();
    }
    return Optional.of(reply(req, link, c, MessageType.ACK, DhcpPacket.ZERO));
  }

  private Reply nak(DhcpPacket req, Link link, String why) {
    Map<Integer, byte[]> o = new LinkedHashMap<>();
    o.put(53, new byte[] {(byte) MessageType.NAK.code()});
    o.put(54, link.self().getAddress());
    o.put(56, why.getBytes(StandardCharsets.US_ASCII));
    DhcpPacket p =
        new DhcpPacket(
            DhcpPacket.BOOTREPLY,
            req.htype(),
            0,
            req.xid(),
            0,
            req.flags() | (relayed(req) ? DhcpPacket.FLAG_BROADCAST : 0),
            DhcpPacket.ZERO,
            DhcpPacket.ZERO,
            DhcpPacket.ZERO,
            req.giaddr(),
            req.chaddr(),
            o);
    return relayed(req)
        ? new Reply(p, req.giaddr(), config.serverPort())
        : new Reply(p, DhcpPacket.BROADCAST, config.clientPort());
  }

  private Reply reply(DhcpPacket req, Link link, Client c, MessageType type, Inet4Address a) {
    boolean inform = a.equals(DhcpPacket.ZERO);
    Network net =
        inform
            ? c.pools().stream()
                .filter(p -> p.network().contains(req.ciaddr()))
                .map(Pool::network)
                .findFirst()
                .orElse(link.subnet())
            : c.pools().stream()
                .filter(p -> p.network().contains(a))
                .map(Pool::network)
                .findFirst()
                .orElse(link.subnet());
    Map<Integer, byte[]> o = new LinkedHashMap<>();
    o.put(53, new byte[] {(byte) type.code()});
    o.put(54, link.self().getAddress());
    if (!inform) {
      long secs = leaseTime(c, a).toSeconds();
      o.put(51, u32(secs));
      if (secs != 0xffffffffL) {
        o.put(58, u32(secs / 2));
        o.put(59, u32(secs * 7 / 8));
      }
    }
    o.put(1, mask(net.prefix()));
    if (net.contains(link.self())) {
      o.put(3, link.self().getAddress());
    }
    o.put(6, link.self().getAddress());
    config.domain().ifPresent(d -> o.put(15, d.getBytes(StandardCharsets.US_ASCII)));
    config.domain().ifPresent(d -> o.put(119, OptionValue.domainName(d)));
    if (!inform) {
      hostname(req, c).ifPresent(h -> o.put(12, h.getBytes(StandardCharsets.US_ASCII)));
    }
    Set<Integer> forced = new HashSet<>();
    // Untagged options first, then tagged ones, which override: the more specific wins.
    for (int pass = 0; pass < 2; pass++) {
      for (OptionRule r : config.options()) {
        if ((pass == 0) == r.tags().isEmpty() && Tags.match(r.tags(), c.tags())) {
          o.put(r.value().code(), r.value().encode(link.self()));
          if (r.force()) {
            forced.add(r.value().code());
          }
        }
      }
    }
    Optional<byte[]> prl = req.option(55);
    if (prl.isPresent()) {
      Set<Integer> asked = new HashSet<>();
      for (byte b : prl.get()) {
        asked.add(b & 0xff);
      }
      o.keySet().removeIf(k -> !ALWAYS.contains(k) && !asked.contains(k) && !forced.contains(k));
    }
    DhcpPacket p =
        new DhcpPacket(
            DhcpPacket.BOOTREPLY,
            req.htype(),
            0,
            req.xid(),
            0,
            req.flags(),
            req.ciaddr(),
            a,
            DhcpPacket.ZERO,
            req.giaddr(),
            req.chaddr(),
            o);
    if (relayed(req)) {
      return new Reply(p, req.giaddr(), config.serverPort());
    }
    if (!req.ciaddr().equals(DhcpPacket.ZERO)) {
      return new Reply(p, req.ciaddr(), config.clientPort());
    }
    // No address yet: broadcast. Unicasting to yiaddr would need an ARP entry (CAP_NET_ADMIN) or
    // a raw frame; RFC 2131 section 4.1 allows the broadcast, and every client takes it.
    return new Reply(p, DhcpPacket.BROADCAST, config.clientPort());
  }

  /** Writes the batch's lease records to disk; compacts the log when it has grown. */
  synchronized void commit() {
    store.commit();
    if (store.wantsCompaction(byMac.size())) {
      expire();
      Map<Inet4Address, Instant> d = new HashMap<>();
      declined.forEach((a, t) -> d.put(fromInt(a), t));
      store.compact(byMac.values(), d, clock.instant());
    }
  }

  /** Drops expired leases, offers and quarantines; tells the listener which leases ended. */
  synchronized void expire() {
    Instant now = clock.instant();
    for (Lease l : new ArrayList<>(byMac.values())) {
      if (l.expired(now)) {
        drop(l);
        listener.ended(l);
      }
    }
    offers.values().removeIf(o -> !o.until().isAfter(now));
    declined.values().removeIf(t -> !t.isAfter(now));
  }

  @Override
  public synchronized void close() {
    store.close();
  }

  static byte[] u32(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static byte[] mask(int prefix) {
    return u32(prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL);
  }

  static int toInt(Inet4Address a) {
    byte[] b = a.getAddress();
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  static Inet4Address fromInt(int v) {
    return DhcpPacket.v4(u32(v & 0xffffffffL));
  }
}
