package org.airgap.registry.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.airgap.websrv.io.AtomicFiles;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * An Apache htpasswd file with bcrypt entries ({@code $2y$}, {@code $2a$}, {@code $2b$}), as {@code
 * htpasswd -bBc} writes it. The file is re-read when its size or mtime changes, so users added by
 * {@code airgap user add} or {@code htpasswd} work without a restart.
 *
 * <p>bcrypt is slow on purpose, so verified credentials are cached: the key is a SHA-256 of the
 * user, the password and the stored hash (never the password itself), the cache is bounded and each
 * entry lives {@link #CACHE_TTL_NANOS}. A changed hash (new password) is a new key.
 */
public final class Htpasswd {
  /** bcrypt cost for entries airgap writes; {@code htpasswd -B} uses 5. */
  public static final int COST = 10;

  static final long CACHE_TTL_NANOS = 60_000_000_000L;
  private static final int CACHE_MAX = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private volatile Snapshot snapshot = new Snapshot(null, -1, null, Map.of());
  private final Map<String, Long> verified = new ConcurrentHashMap<>();

  /** What was read, and the size, mtime and inode it was read at (a rename is a new inode). */
  private record Snapshot(FileTime mtime, long size, Object fileKey, Map<String, String> hashes) {}

  public Htpasswd(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Whether {@code user} exists and {@code password} is theirs. Never throws for bad input. */
  public boolean check(String user, String password) {
    if (user == null || password == null || user.isEmpty()) {
      return false;
    }
    String hash = current().hashes().get(user);
    if (hash == null) {
      return false;
    }
    String key = cacheKey(user, password, hash);
    long now = System.nanoTime();
    Long until = verified.get(key);
    if (until != null && until - now > 0) {
      return true;
    }
    boolean ok;
    try {
      ok = OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
    } catch (RuntimeException e) {
      ok = false; // not a bcrypt hash (crypt, MD5, SHA1 entries are refused)
    }
    if (ok) {
      if (verified.size() >= CACHE_MAX) {
        verified.entrySet().removeIf(e -> e.getValue() - now <= 0);
        if (verified.size() >= CACHE_MAX) {
          verified.clear();
        }
      }
      verified.put(key, now + CACHE_TTL_NANOS);
    }
    return ok;
  }

  /** How many verified credentials the cache holds (for tests and metrics). */
  int cachedCount() {
    return verified.size();
  }

  /** The user names in the file, in file order. */
  public List<String> users() {
    return new ArrayList<>(current().hashes().keySet());
  }

  private Snapshot current() {
    Snapshot s = snapshot;
    try {
      java.nio.file.attribute.BasicFileAttributes a =
          Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
      if (a.lastModifiedTime().equals(s.mtime())
          && a.size() == s.size()
          && java.util.Objects.equals(a.fileKey(), s.fileKey())) {
        return s;
      }
      Snapshot fresh =
          new Snapshot(
              a.lastModifiedTime(), a.size(), a.fileKey(), parse(Files.readAllLines(file)));
      snapshot = fresh;
      return fresh;
    } catch (NoSuchFileException e) {
      Snapshot empty = new Snapshot(null, -1, null, Map.of());
      snapshot = empty;
      return empty;
    } catch (IOException e) {
      return s; // keep serving with what was read last
    }
  }

  static Map<String, String> parse(List<String> lines) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int colon = l.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      out.put(l.substring(0, colon), l.substring(colon + 1));
    }
    return out;
  }

  private static String cacheKey(String user, String password, String hash) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(user.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(password.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(hash.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A {@code $2y$} bcrypt hash of {@code password}, as {@code htpasswd -B} writes. */
  public static String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, COST);
  }

  /** Checks a user name as htpasswd would take it. */
  public static String validUser(String user) {
    if (user == null
        || user.isEmpty()
        || user.contains(":")
        || user.length() > 255
        || !user.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "user name must be 1-255 printable characters without ':' or spaces");
    }
    return user;
  }

  /** Adds or replaces {@code user} in {@code file} (created 0600 when missing). */
  public static void put(Path file, String user, String password) {
    validUser(user);
    edit(file, m -> m.put(user, hash(password)));
  }

  /** Removes {@code user}; returns whether it was there. */
  public static boolean remove(Path file, String user) {
    boolean[] removed = {false};
    edit(file, m -> removed[0] = m.remove(user) != null);
    return removed[0];
  }

  private static synchronized void edit(
      Path file, java.util.function.Consumer<Map<String, String>> change) {
    try {
      Map<String, String> entries =
          Files.exists(file) ? parse(Files.readAllLines(file)) : new LinkedHashMap<>();
      change.accept(entries);
      StringBuilder sb = new StringBuilder();
      entries.forEach((u, h) -> sb.append(u).append(':').append(h).append('\n'));
      AtomicFiles.writeString(file, sb.toString(), AtomicFiles.PRIVATE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
