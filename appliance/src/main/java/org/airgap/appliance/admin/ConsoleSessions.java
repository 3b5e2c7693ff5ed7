package org.airgap.appliance.admin;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Console logins: a random session id (the HttpOnly cookie) maps to the user and a CSRF token that
 * every action must echo in a header. Sessions expire after {@link #IDLE} without use; at most
 * {@link #LIMIT} live at once (the oldest goes first).
 */
final class ConsoleSessions {
  static final Duration IDLE = Duration.ofMinutes(30);
  static final int LIMIT = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A login: who, and the token its actions carry. */
  record Session(String id, String user, String csrf) {
    /** Compares the CSRF token in constant time. */
    boolean csrfMatches(String token) {
      return token != null
          && MessageDigest.isEqual(
              csrf.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
              token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  private final Clock clock;
  private final LinkedHashMap<String, Map.Entry<Session, Instant>> live =
      new LinkedHashMap<>(16, 0.75f, true);

  ConsoleSessions(Clock clock) {
    this.clock = clock;
  }

  synchronized Session create(String user) {
    expire();
    while (live.size() >= LIMIT) {
      Iterator<String> it = live.keySet().iterator();
      it.next();
      it.remove();
    }
    Session s = new Session(token(), user, token());
    live.put(s.id(), Map.entry(s, clock.instant()));
    return s;
  }

  /** The live session with this id, touched. */
  synchronized Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    expire();
    Map.Entry<Session, Instant> e = live.get(id);
    if (e == null) {
      return Optional.empty();
    }
    live.put(id, Map.entry(e.getKey(), clock.instant()));
    return Optional.of(e.getKey());
  }

  synchronized void remove(String id) {
    if (id != null) {
      live.remove(id);
    }
  }

  private void expire() {
    Instant cutoff = clock.instant().minus(IDLE);
    live.values().removeIf(e -> e.getValue().isBefore(cutoff));
  }

  private static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
