package org.airgap.dhcp.v6;

import static org.airgap.dhcp.v6.Dhcp6Message.*;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.airgap.dhcp.Mac;
import org.airgap.dns.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stateful DHCPv6 (RFC 8415 section 18.3) over the bindings, without sockets: a message, the link
 * it came in on and the sender's MAC (when the socket could see it) go in; at most one reply comes
 * out. Bindings are recorded in the {@link Lease6Store} as they are made; the caller {@link
 * #commit}s a batch before sending its replies.
 *
 * <p>A static host is found by the client's MAC, in this order: a relay's client link-layer address
 * option (RFC 6939), the Ethernet source of the frame, the link-layer address inside a DUID-LL or
 * DUID-LLT, and last the EUI-64 interface id of the sender's link-local address. RHCOS sends a
 * DUID-UUID, so the frame's source is the one that matters there.
 */
final class Engine6 implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine6.class);
  static final int SUCCESS = 0;
  static final int NO_ADDRS_AVAIL = 2;
  static final int NO_BINDING = 3;
  static final int NOT_ON_LINK = 4;
  private static final int MAX_PROBES = 65_536;

  private Dhcp6Config config; // guarded by this: swapped by reload()
  private final Lease6Store store;
  private final Lease6Listener listener;
  private final InstantSource clock;
  private final Duid serverId;
  private final Map<Lease6.Key, Lease6> byKey = new HashMap<>();
  private final Map<Inet6Address, Lease6> byAddress = new HashMap<>();
  private final Map<Inet6Address, Offer> offers = new HashMap<>();
  private final Map<Inet6Address, Instant> declined = new HashMap<>();
  private final Map<Inet6Address, Host6> staticAddresses = new HashMap<>();
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private Instant lastExhaustedLog = Instant.EPOCH;

  private record Offer(Lease6.Key key, Instant until) {}

  /** What is known about a client before choosing its addresses. */
  private record Client(
      Duid duid,
      Optional<Mac> mac,
      Optional<Host6> host,
      List<Range6> ranges,
      List<Network> networks,
      Link6 link) {}

  /** One IA_NA of a request: its id and the addresses the client put in it. */
  private record Ia(long iaid, List<Inet6Address> addresses) {}

  Engine6(
      Dhcp6Config config,
      Lease6Store store,
      Lease6Listener listener,
      InstantSource clock,
      Duid serverId) {
    this.config = config;
    this.store = store;
    this.listener = listener;
    this.clock = clock;
    this.serverId = serverId;
  }

  Duid serverId() {
    return serverId;
  }

  synchronized void open() {
    for (Host6 h : config.hosts()) {
      h.address().ifPresent(a -> staticAddresses.putIfAbsent(a, h));
    }
    Lease6Store.State s = store.open(clock.instant());
    s.leases().values().forEach(this::put);
    declined.putAll(s.declined());
    s.leases().values().forEach(listener::bound);
  }

  /**
   * Serves {@code next}'s ranges, hosts, options and limits from the next request on; bindings,
   * offers and quarantined addresses are kept.
   */
  synchronized void reload(Dhcp6Config next) {
    config = next;
    staticAddresses.clear();
    for (Host6 h : next.hosts()) {
      h.address().ifPresent(a -> staticAddresses.putIfAbsent(a, h));
    }
  }

  private void put(Lease6 l) {
    Lease6 old = byKey.put(l.key(), l);
    if (old != null && !old.address().equals(l.address())) {
      byAddress.remove(old.address());
    }
    Lease6 other = byAddress.put(l.address(), l);
    if (other != null && !other.key().equals(l.key())) {
      byKey.remove(other.key());
    }
  }

  private void drop(Lease6 l) {
    byKey.remove(l.key());
    byAddress.remove(l.address());
  }

  synchronized List<Lease6> leases() {
    return Lease6Store.sorted(byKey.values());
  }

  Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    counters.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  void count(String name) {
    counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * The reply to {@code m}, received on {@code link} from {@code source}, whose Ethernet source was
   * {@code frameMac} when the socket saw the frame.
   */
  synchronized Optional<Dhcp6Message> handle(
      Dhcp6Message m, Link6 link, Inet6Address source, Optional<Mac> frameMac) {
    count(m.typeName());
    if (m.type() == RELAY_FORW) {
      return relayed(m, link);
    }
    Optional<Dhcp6Message> r = answer(m, link, link.networks(), source, frameMac);
    r.ifPresent(x -> count("sent_" + x.typeName()));
    return r;
  }

  private Optional<Dhcp6Message> relayed(Dhcp6Message relay, Link6 link) {
    byte[] inner =
        relay
            .option(OPT_RELAY_MSG)
            .orElseThrow(() -> new Dhcp6CodecException("relay-forward without a relay message"));
    Dhcp6Message m = Dhcp6Message.parse(inner);
    if (m.isRelay()) {
      count("dropped"); // nested relays: one level is what a site has
      return Optional.empty();
    }
    count(m.typeName());
    Optional<Mac> mac = relay.option(OPT_CLIENT_LINKLAYER_ADDR).flatMap(Engine6::linkLayer);
    Inet6Address linkAddress = relay.linkAddress().orElseThrow();
    List<Network> networks =
        linkAddress.isAnyLocalAddress() || linkAddress.isLinkLocalAddress()
            ? link.networks()
            : config.ranges().stream()
                .map(Range6::network)
                .filter(n -> n.contains(linkAddress))
                .toList();
    Optional<Dhcp6Message> r = answer(m, link, networks, relay.peerAddress().orElseThrow(), mac);
    r.ifPresent(x -> count("sent_" + x.typeName()));
    return r.map(
        reply -> {
          List<Option> o = new ArrayList<>();
          relay.option(OPT_INTERFACE_ID).ifPresent(id -> o.add(new Option(OPT_INTERFACE_ID, id)));
          o.add(new Option(OPT_RELAY_MSG, reply.encode()));
          return Dhcp6Message.relay(
              RELAY_REPL, relay.hops(), linkAddress, relay.peerAddress().orElseThrow(), o);
        });
  }

  /** RFC 6939's option: a 16-bit hardware type (1: Ethernet) and the address. */
  private static Optional<Mac> linkLayer(byte[] b) {
    return b.length == 8 && b[0] == 0 && b[1] == 1
        ? Optional.of(Mac.of(b, 2, 6))
        : Optional.empty();
  }

  /** The MAC an EUI-64 link-local address was made from (RFC 4291 appendix A). */
  static Optional<Mac> eui64(Inet6Address a) {
    byte[] b = a.getAddress();
    if (!a.isLinkLocalAddress() || b[11] != (byte) 0xff || b[12] != (byte) 0xfe) {
      return Optional.empty();
    }
    byte[] m = {(byte) (b[8] ^ 0x02), b[9], b[10], b[13], b[14], b[15]};
    return Optional.of(Mac.of(m, 0, 6));
  }

  private Optional<Dhcp6Message> answer(
      Dhcp6Message m,
      Link6 link,
      List<Network> networks,
      Inet6Address source,
      Optional<Mac> frameMac) {
    Optional<Duid> clientId = m.clientId();
    Optional<Duid> server = m.serverId();
    int t = m.type();
    boolean needsServerId = t == REQUEST || t == RENEW || t == RELEASE || t == DECLINE;
    boolean forbidsServerId = t == SOLICIT || t == CONFIRM || t == REBIND;
    if (t == ADVERTISE || t == REPLY || t == RECONFIGURE || t == RELAY_REPL || t > RELAY_REPL) {
      count("dropped"); // server-to-client messages (another server's) and unknown types
      return Optional.empty();
    }
    if ((clientId.isEmpty() && t != INFORMATION_REQUEST)
        || (needsServerId && server.isEmpty())
        || (forbidsServerId && server.isPresent())) {
      count("dropped");
      return Optional.empty();
    }
    if (server.isPresent() && !server.get().equals(serverId)) {
      return Optional.empty(); // for another server
    }
    if (t == INFORMATION_REQUEST) {
      if (m.has(OPT_IA_NA) || m.has(OPT_IA_TA)) {
        count("dropped");
        return Optional.empty();
      }
      return Optional.of(reply(m, REPLY, link, List.of()));
    }
    Duid duid = clientId.get();
    Optional<Mac> mac = frameMac.or(duid::mac).or(() -> eui64(source));
    Optional<Host6> host = config.hosts().stream().filter(h -> h.matches(mac, duid)).findFirst();
    if (host.map(Host6::ignore).orElse(false) || (config.ignoreUnknown() && host.isEmpty())) {
      count("ignored");
      return Optional.empty();
    }
    List<Range6> ranges =
        config.ranges().stream()
            .filter(r -> networks.stream().anyMatch(n -> n.contains(r.start())))
            .toList();
    Client c = new Client(duid, mac, host, ranges, networks, link);
    List<Ia> ias = ias(m);
    Instant now = clock.instant();
    return switch (t) {
      case SOLICIT -> solicit(m, c, ias, now);
      case REQUEST -> Optional.of(assign(m, c, ias, now, REPLY, List.of()));
      case RENEW, REBIND -> Optional.of(extend(m, c, ias, now));
      case CONFIRM -> confirm(m, c, ias);
      case RELEASE -> Optional.of(release(m, c, ias));
      case DECLINE -> Optional.of(decline(m, c, ias, now));
      default -> Optional.empty();
    };
  }

  private static List<Ia> ias(Dhcp6Message m) {
    List<Ia> out = new ArrayList<>();
    for (byte[] b : m.all(OPT_IA_NA)) {
      if (b.length < 12) {
        throw new Dhcp6CodecException("IA_NA shorter than 12 bytes");
      }
      List<Inet6Address> addrs = new ArrayList<>();
      for (Option o : Dhcp6Message.options(b, 12, b.length)) {
        if (o.code() == OPT_IAADDR) {
          if (o.data().length < 24) {
            throw new Dhcp6CodecException("IAADDR shorter than 24 bytes");
          }
          addrs.add(Dhcp6Message.v6(Arrays.copyOf(o.data(), 16)));
        }
      }
      out.add(new Ia(Dhcp6Message.u32(b, 0), addrs));
    }
    return out;
  }

  private Optional<Dhcp6Message> solicit(Dhcp6Message m, Client c, List<Ia> ias, Instant now) {
    if (config.rapidCommit() && m.has(OPT_RAPID_COMMIT)) {
      return Optional.of(
          assign(m, c, ias, now, REPLY, List.of(new Option(OPT_RAPID_COMMIT, new byte[0]))));
    }
    return Optional.of(
        assign(m, c, ias, now, ADVERTISE, List.of(new Option(OPT_PREFERENCE, new byte[] {-1}))));
  }

  /** SOLICIT (advertise or, with Rapid Commit, bind) and REQUEST (bind). */
  private Dhcp6Message assign(
      Dhcp6Message m, Client c, List<Ia> ias, Instant now, int type, List<Option> extra) {
    boolean bind = type == REPLY;
    List<Option> out = new ArrayList<>();
    boolean any = false;
    long staticIa = staticIa(c, ias);
    for (Ia ia : ias) {
      Lease6.Key key = new Lease6.Key(c.duid(), ia.iaid());
      Optional<Inet6Address> a = choose(key, c, ia.addresses(), ia.iaid() == staticIa, now);
      if (a.isEmpty()) {
        out.add(ia(ia.iaid(), 0, List.of(status(NO_ADDRS_AVAIL, "no addresses available"))));
        continue;
      }
      any = true;
      Duration time = leaseTime(c, a.get());
      if (bind) {
        bind(key, c, a.get(), hostname(m, c), time, now);
      } else {
        offers.values().removeIf(o -> o.key().equals(key));
        offers.put(a.get(), new Offer(key, now.plus(config.offerHold())));
      }
      out.add(ia(ia.iaid(), secs(time), List.of(iaaddr(a.get(), secs(time), secs(time)))));
    }
    if (!any && type == ADVERTISE) {
      // RFC 8415 18.3.9: nothing to give, say so and nothing else
      return reply(m, type, c.link(), List.of(status(NO_ADDRS_AVAIL, "no addresses available")));
    }
    out.addAll(extra);
    return reply(m, type, c.link(), out);
  }

  /**
   * Which of the client's IAs gets its host's static address: the one that holds it, else the
   * first.
   */
  private long staticIa(Client c, List<Ia> ias) {
    Optional<Inet6Address> s = staticAddress(c);
    if (s.isEmpty() || ias.isEmpty()) {
      return -1;
    }
    for (Ia ia : ias) {
      Lease6 l = byKey.get(new Lease6.Key(c.duid(), ia.iaid()));
      if (l != null && l.address().equals(s.get())) {
        return ia.iaid();
      }
    }
    return ias.get(0).iaid();
  }

  private Dhcp6Message extend(Dhcp6Message m, Client c, List<Ia> ias, Instant now) {
    List<Option> out = new ArrayList<>();
    for (Ia ia : ias) {
      Lease6.Key key = new Lease6.Key(c.duid(), ia.iaid());
      Lease6 mine = byKey.get(key);
      Optional<Inet6Address> keep = Optional.empty();
      if (mine != null && !mine.expired(now) && valid(key, c, mine.address(), now)) {
        keep = Optional.of(mine.address());
      } else if (m.type() == REBIND) {
        // No binding (a restart that lost it, another server's): take the client's address if
        // it may have it, as an authoritative server on the link would.
        keep = ia.addresses().stream().filter(a -> valid(key, c, a, now)).findFirst();
      }
      List<Option> sub = new ArrayList<>();
      if (keep.isPresent()) {
        Duration time = leaseTime(c, keep.get());
        bind(key, c, keep.get(), hostname(m, c), time, now);
        sub.add(iaaddr(keep.get(), secs(time), secs(time)));
        for (Inet6Address a : ia.addresses()) {
          if (!a.equals(keep.get())) {
            sub.add(iaaddr(a, 0, 0)); // not (or no longer) the client's: lifetimes 0
          }
        }
        out.add(ia(ia.iaid(), secs(time), sub));
      } else if (m.type() == REBIND && !ia.addresses().isEmpty()) {
        for (Inet6Address a : ia.addresses()) {
          sub.add(iaaddr(a, 0, 0));
        }
        out.add(ia(ia.iaid(), 0, sub));
      } else {
        out.add(ia(ia.iaid(), 0, List.of(status(NO_BINDING, "no binding for this IA"))));
      }
    }
    return reply(m, REPLY, c.link(), out);
  }

  private Optional<Dhcp6Message> confirm(Dhcp6Message m, Client c, List<Ia> ias) {
    List<Inet6Address> all = ias.stream().flatMap(ia -> ia.addresses().stream()).toList();
    if (all.isEmpty()) {
      return Optional.empty(); // RFC 8415 18.3.3: nothing to confirm, no reply
    }
    boolean onLink = all.stream().allMatch(a -> c.networks().stream().anyMatch(n -> n.contains(a)));
    return Optional.of(
        reply(
            m,
            REPLY,
            c.link(),
            List.of(
                onLink
                    ? status(SUCCESS, "all addresses are on link")
                    : status(NOT_ON_LINK, "an address is not on this link"))));
  }

  private Dhcp6Message release(Dhcp6Message m, Client c, List<Ia> ias) {
    List<Option> out = new ArrayList<>();
    for (Ia ia : ias) {
      Lease6 l = byKey.get(new Lease6.Key(c.duid(), ia.iaid()));
      if (l != null && ia.addresses().contains(l.address())) {
        free(l);
      } else {
        out.add(ia(ia.iaid(), 0, List.of(status(NO_BINDING, "no binding for this IA"))));
      }
    }
    out.add(status(SUCCESS, "released"));
    return reply(m, REPLY, c.link(), out);
  }

  private Dhcp6Message decline(Dhcp6Message m, Client c, List<Ia> ias, Instant now) {
    Instant until = now.plus(config.declineHold());
    for (Ia ia : ias) {
      for (Inet6Address a : ia.addresses()) {
        declined.put(a, until);
        offers.remove(a);
        store.declined(a, until);
        Lease6 l = byAddress.get(a);
        if (l != null && l.duid().equals(c.duid())) {
          free(l);
        }
        LOG.warn(
            "dhcp6: {} declined {}: another host uses it; not offered for {}",
            c.mac().map(Mac::text).orElse(c.duid().toString()),
            a.getHostAddress(),
            config.declineHold());
      }
    }
    return reply(m, REPLY, c.link(), List.of(status(SUCCESS, "declined")));
  }

  private void free(Lease6 l) {
    drop(l);
    store.freed(l);
    listener.ended(l);
  }

  private void bind(
      Lease6.Key key, Client c, Inet6Address a, Optional<String> name, Duration time, Instant now) {
    Instant expires =
        time.equals(org.airgap.dhcp.Durations.INFINITE) ? Lease6.NEVER : now.plus(time);
    Lease6 l = new Lease6(key.duid(), key.iaid(), a, c.mac(), name, expires);
    Lease6 displaced = byAddress.get(a);
    if (displaced != null && !displaced.key().equals(key)) {
      // a static address moving to a new DUID of its host (RHCOS: initramfs, then the real root)
      store.freed(displaced);
      listener.ended(displaced);
    }
    Lease6 before = byKey.get(key);
    if (before != null && !before.address().equals(a)) {
      store.freed(before);
      listener.ended(before);
    }
    offers.remove(a);
    put(l);
    store.granted(l);
    listener.bound(l);
  }

  private static long secs(Duration d) {
    return Math.min(d.toSeconds(), 0xffffffffL);
  }

  private Duration leaseTime(Client c, Inet6Address a) {
    return c.host()
        .flatMap(Host6::leaseTime)
        .or(
            () ->
                c.ranges().stream()
                    .filter(r -> r.network().contains(a))
                    .findFirst()
                    .flatMap(Range6::leaseTime))
        .orElse(config.leaseTime());
  }

  private Optional<String> hostname(Dhcp6Message m, Client c) {
    Optional<String> name = c.host().flatMap(Host6::hostname);
    if (name.isPresent()) {
      return name;
    }
    return m.option(OPT_CLIENT_FQDN)
        .flatMap(b -> Dhcp6Message.firstLabel(b, 1))
        .map(Engine6::sanitize)
        .filter(s -> !s.isEmpty());
  }

  static String sanitize(String name) {
    String s =
        name.toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "")
            .replaceAll("^-+|-+$", "");
    return s.length() > 63 ? s.substring(0, 63) : s;
  }

  /** The static address of the client's host, when it is on the client's link. */
  private Optional<Inet6Address> staticAddress(Client c) {
    return c.host()
        .flatMap(Host6::address)
        .filter(a -> c.networks().stream().anyMatch(n -> n.contains(a)));
  }

  private boolean available(Lease6.Key key, Client c, Inet6Address a, Instant now) {
    Lease6 l = byAddress.get(a);
    if (l != null && !l.key().equals(key) && !l.expired(now)) {
      return false;
    }
    Offer o = offers.get(a);
    if (o != null && !o.key().equals(key) && o.until().isAfter(now)) {
      return false;
    }
    Instant d = declined.get(a);
    if (d != null && d.isAfter(now)) {
      return false;
    }
    if (a.equals(c.link().self()) || a.equals(c.link().linkLocal())) {
      return false;
    }
    Host6 h = staticAddresses.get(a);
    return h == null || h.matches(c.mac(), c.duid());
  }

  /** Whether the IA may hold {@code a} now: its host's static address, or a free one in range. */
  private boolean valid(Lease6.Key key, Client c, Inet6Address a, Instant now) {
    if (staticAddress(c).filter(a::equals).isPresent()) {
      return true;
    }
    return c.ranges().stream().anyMatch(r -> r.inRange(a)) && available(key, c, a, now);
  }

  private Optional<Inet6Address> choose(
      Lease6.Key key, Client c, List<Inet6Address> hints, boolean wantsStatic, Instant now) {
    Optional<Inet6Address> s = staticAddress(c);
    if (s.isPresent() && wantsStatic) {
      return s;
    }
    Lease6 mine = byKey.get(key);
    if (mine != null && valid(key, c, mine.address(), now)) {
      return Optional.of(mine.address());
    }
    boolean offered = false;
    for (Map.Entry<Inet6Address, Offer> e : offers.entrySet()) {
      if (e.getValue().key().equals(key)) {
        offered = true;
        if (valid(key, c, e.getKey(), now)
            && !staticAddress(c).filter(e.getKey()::equals).isPresent()) {
          return Optional.of(e.getKey());
        }
      }
    }
    for (Inet6Address h : hints) {
      if (c.ranges().stream().anyMatch(r -> r.inRange(h)) && available(key, c, h, now)) {
        return Optional.of(h);
      }
    }
    if (mine == null && !offered && byKey.size() >= config.leaseMax()) {
      logExhausted("lease-max " + config.leaseMax() + " reached", now);
      return Optional.empty();
    }
    for (Range6 r : c.ranges()) {
      BigInteger size = r.size();
      if (size.signum() == 0) {
        continue;
      }
      // Start where the DUID and IAID hash to: a client gets the same address back after its
      // binding is gone, and a crowd of new clients spreads over the range.
      long h = (key.duid().hashCode() * 31L + key.iaid()) * 0x9E3779B97F4A7C15L;
      long n = size.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
      long start = Math.floorMod(h, n);
      long probes = Math.min(n, MAX_PROBES);
      for (long i = 0; i < probes; i++) {
        Inet6Address a = r.at((start + i) % n);
        if (available(key, c, a, now)) {
          return Optional.of(a);
        }
      }
    }
    logExhausted(
        c.ranges().isEmpty()
            ? "no dhcp6 range on " + c.link().ifname() + " (for " + c.networks() + ")"
            : "no free address in the ranges of " + c.link().ifname(),
        now);
    return Optional.empty();
  }

  private void logExhausted(String why, Instant now) {
    count("exhausted");
    if (Duration.between(lastExhaustedLog, now).toSeconds() >= 10) {
      lastExhaustedLog = now;
      LOG.warn("dhcp6: {}: new clients get no address", why);
    }
  }

  private Dhcp6Message reply(Dhcp6Message req, int type, Link6 link, List<Option> body) {
    List<Option> o = new ArrayList<>();
    o.add(new Option(OPT_SERVERID, serverId.bytes()));
    req.option(OPT_CLIENTID).ifPresent(id -> o.add(new Option(OPT_CLIENTID, id)));
    o.addAll(body);
    if (type != ADVERTISE || body.stream().noneMatch(x -> x.code() == OPT_STATUS_CODE)) {
      List<Inet6Address> dns =
          config.dnsServers().isEmpty() ? List.of(link.self()) : config.dnsServers();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      dns.forEach(a -> b.writeBytes(a.getAddress()));
      o.add(new Option(OPT_DNS_SERVERS, b.toByteArray()));
      if (!config.domains().isEmpty()) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        config.domains().forEach(x -> d.writeBytes(Dhcp6Message.domainName(x)));
        o.add(new Option(OPT_DOMAIN_LIST, d.toByteArray()));
      }
    }
    return Dhcp6Message.of(type, req.transactionId(), o);
  }

  private static Option ia(long iaid, long lease, List<Option> sub) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(Dhcp6Message.u32(iaid));
    long t1 = lease == 0xffffffffL ? lease : lease / 2;
    long t2 = lease == 0xffffffffL ? lease : lease * 4 / 5;
    b.writeBytes(Dhcp6Message.u32(t1));
    b.writeBytes(Dhcp6Message.u32(t2));
    b.writeBytes(Dhcp6Message.encode(sub));
    return new Option(OPT_IA_NA, b.toByteArray());
  }

  private static Option iaaddr(Inet6Address a, long preferred, long valid) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(a.getAddress());
    b.writeBytes(Dhcp6Message.u32(preferred));
    b.writeBytes(Dhcp6Message.u32(valid));
    return new Option(OPT_IAADDR, b.toByteArray());
  }

  static Option status(int code, String message) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(Dhcp6Message.u16(code));
    b.writeBytes(message.getBytes(StandardCharsets.UTF_8));
    return new Option(OPT_STATUS_CODE, b.toByteArray());
  }

  /** Writes the batch's bindings to disk; compacts the log when it has grown. */
  synchronized void commit() {
    store.commit();
    if (store.wantsCompaction(byKey.size())) {
      expire();
      store.compact(byKey.values(), declined, clock.instant());
    }
  }

  /** Drops expired bindings, offers and quarantines; tells the listener which bindings ended. */
  synchronized void expire() {
    Instant now = clock.instant();
    for (Lease6 l : new ArrayList<>(byKey.values())) {
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
}
