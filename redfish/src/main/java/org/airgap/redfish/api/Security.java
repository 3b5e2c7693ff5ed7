package org.airgap.redfish.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.airgap.redfish.Authenticator;

/**
 * Who is calling: an {@code X-Auth-Token} of a live session, or HTTP Basic credentials checked by
 * the {@link Authenticator} (bcrypt, slow) and then remembered for {@link #CACHE_TTL} under a hash
 * of the credentials, so a polling client pays bcrypt once, not on every request.
 */
public final class Security {
  static final Duration CACHE_TTL = Duration.ofMinutes(5);
  static final int CACHE_MAX = 1024;

  private final Authenticator authenticator;
  private final Sessions sessions;
  private final Clock clock;
  private final Map<String, Cached> verified = new ConcurrentHashMap<>();
  private final LongAdder failures = new LongAdder();
  private final LongAdder cacheHits = new LongAdder();

  private record Cached(String user, Instant until) {}

  public Security(Authenticator authenticator, Sessions sessions, Clock clock) {
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** The caller's user name, or 401 {@code NoValidSession}. */
  public String authenticate(Call call) {
    Optional<String> token = call.header("x-auth-token");
    if (token.isPresent()) {
      return sessions.use(token.get()).map(Sessions.Session::user).orElseThrow(this::denied);
    }
    Optional<String> authz = call.header("authorization");
    if (authz.isPresent() && authz.get().regionMatches(true, 0, "Basic ", 0, 6)) {
      return basic(authz.get().substring(6).trim()).orElseThrow(this::denied);
    }
    throw denied();
  }

  /** Checks a user name and password (the session login), through the cache. */
  public boolean check(String user, String password) {
    String key = key(user + ":" + password);
    Instant now = clock.instant();
    Cached c = verified.get(key);
    if (c != null && c.until.isAfter(now) && c.user.equals(user)) {
      cacheHits.increment();
      return true;
    }
    if (!authenticator.authenticate(user, password)) {
      return false;
    }
    if (verified.size() >= CACHE_MAX) {
      verified.clear();
    }
    verified.put(key, new Cached(user, now.plus(CACHE_TTL)));
    return true;
  }

  private Optional<String> basic(String encoded) {
    String pair;
    try {
      pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = pair.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    String user = pair.substring(0, colon);
    return check(user, pair.substring(colon + 1)) ? Optional.of(user) : Optional.empty();
  }

  private RedfishException denied() {
    failures.increment();
    return new RedfishException(RedfishError.NO_VALID_SESSION);
  }

  /** Counts a failed login that did not go through {@link #authenticate}. */
  public void countFailure() {
    failures.increment();
  }

  public long failures() {
    return failures.sum();
  }

  public long cacheHits() {
    return cacheHits.sum();
  }

  private static String key(String credentials) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(credentials.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
