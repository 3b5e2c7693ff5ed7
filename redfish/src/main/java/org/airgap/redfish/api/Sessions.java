package org.airgap.redfish.api;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Redfish sessions: {@code POST …/Sessions} creates one with a random {@code X-Auth-Token}; a token
 * unused for longer than the idle timeout expires; {@code DELETE} logs out. In memory only: a
 * restart logs everyone out (clients fall back to logging in again, as after any BMC reboot).
 */
public final class Sessions {
  /** One session; {@code lastUsed} moves on every authenticated request. */
  public static final class Session {
    private final String id;
    private final String token;
    private final String user;
    private final Instant created;
    private volatile Instant lastUsed;

    Session(String id, String token, String user, Instant created) {
      this.id = id;
      this.token = token;
      this.user = user;
      this.created = created;
      this.lastUsed = created;
    }

    public String id() {
      return id;
    }

    public String token() {
      return token;
    }

    public String user() {
      return user;
    }

    public Instant created() {
      return created;
    }

    public Instant lastUsed() {
      return lastUsed;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Duration idleTimeout;
  private final int limit;
  private final Clock clock;
  private final ConcurrentHashMap<String, Session> byToken = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Session> byId = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder created =
      new java.util.concurrent.atomic.LongAdder();

  public Sessions(Duration idleTimeout, int limit, Clock clock) {
    this.idleTimeout = idleTimeout;
    this.limit = limit;
    this.clock = clock;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** A new session for {@code user}; 503 {@code SessionLimitExceeded} when full. */
  public Session create(String user) {
    purge();
    if (byId.size() >= limit) {
      throw new RedfishException(RedfishError.SESSION_LIMIT_EXCEEDED, Integer.toString(limit));
    }
    byte[] t = new byte[32];
    RANDOM.nextBytes(t);
    byte[] i = new byte[8];
    RANDOM.nextBytes(i);
    Session s =
        new Session(
            HexFormat.of().formatHex(i),
            Base64.getUrlEncoder().withoutPadding().encodeToString(t),
            user,
            clock.instant());
    byToken.put(s.token, s);
    byId.put(s.id, s);
    created.increment();
    return s;
  }

  /** The live session with this token, marked as used now; expired ones are dropped. */
  public Optional<Session> use(String token) {
    Session s = byToken.get(token);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (expired(s, now)) {
      remove(s);
      return Optional.empty();
    }
    s.lastUsed = now;
    return Optional.of(s);
  }

  public Optional<Session> find(String id) {
    Session s = byId.get(id);
    if (s == null || expired(s, clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** Live sessions, oldest first. */
  public List<Session> list() {
    purge();
    return byId.values().stream().sorted(Comparator.comparing(Session::created)).toList();
  }

  /** Logs out; false when there was no such live session. */
  public boolean delete(String id) {
    Session s = byId.get(id);
    if (s == null) {
      return false;
    }
    remove(s);
    return !expired(s, clock.instant());
  }

  /** Sessions created since start. */
  public long created() {
    return created.sum();
  }

  public int size() {
    return byId.size();
  }

  private void purge() {
    Instant now = clock.instant();
    byId.values().stream().filter(s -> expired(s, now)).toList().forEach(this::remove);
  }

  private boolean expired(Session s, Instant now) {
    return s.lastUsed.plus(idleTimeout).isBefore(now);
  }

  private void remove(Session s) {
    byToken.remove(s.token);
    byId.remove(s.id);
  }
}
