package org.airgap.dhcp.v6;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.dhcp.Mac;
import org.airgap.dns.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv6 bindings on disk, kept like the DHCPv4 leases: an append-only log fsynced once per
 * batch of replies (no REPLY leaves before its binding is on disk), compacted when it has grown to
 * several times the live bindings by writing a temp file, fsyncing it, renaming it over the log and
 * fsyncing the directory. A torn last line after {@code kill -9} is ignored on load.
 *
 * <pre>
 * &lt;data-dir&gt;/dhcp/
 * └── leases6.log      one event per line:
 *       L DUID IAID ADDRESS EXPIRES-EPOCH-SECONDS MAC|- NAME|-   a binding made or extended
 *       F DUID IAID ADDRESS                                      released, declined or moved
 *       D ADDRESS UNTIL-EPOCH-SECONDS                            declined: not offered until then
 * </pre>
 *
 * Not thread-safe: the engine calls it under its own lock.
 */
final class Lease6Store implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lease6Store.class);
  private static final int MIN_COMPACT = 1000;

  private final Path file;
  private final StringBuilder pending = new StringBuilder();
  private FileChannel log;
  private long lines;

  /** What a log holds once replayed. */
  record State(Map<Lease6.Key, Lease6> leases, Map<Inet6Address, Instant> declined, long lines) {}

  Lease6Store(Path file) {
    this.file = file;
  }

  /** Replays the log (dropping what expired before {@code now}) and opens it for appending. */
  State open(Instant now) {
    try {
      Files.createDirectories(file.getParent());
      State s = read(file, now);
      compact(s.leases().values(), s.declined(), now);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the lease log " + file + ": " + e, e);
    }
  }

  /** The bindings a log holds at {@code now} (reads only). */
  static State read(Path file, Instant now) {
    Map<Lease6.Key, Lease6> leases = new LinkedHashMap<>();
    Map<Inet6Address, Instant> declined = new LinkedHashMap<>();
    List<String> all;
    try {
      all = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new State(leases, declined, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lease log " + file + ": " + e, e);
    }
    int n = 0;
    for (String line : all) {
      n++;
      String[] f = line.split(" ");
      try {
        switch (f[0]) {
          case "L" -> {
            if (f.length != 7) {
              throw new IllegalArgumentException("fields");
            }
            Lease6 l =
                new Lease6(
                    Duid.parse(f[1]),
                    Long.parseLong(f[2]),
                    v6(f[3]),
                    f[5].equals("-") ? Optional.empty() : Optional.of(Mac.parse(f[5])),
                    f[6].equals("-") ? Optional.empty() : Optional.of(f[6]),
                    Instant.ofEpochSecond(Long.parseLong(f[4])));
            leases.values().removeIf(o -> o.address().equals(l.address()));
            leases.put(l.key(), l);
          }
          case "F" -> {
            Lease6.Key k = new Lease6.Key(Duid.parse(f[1]), Long.parseLong(f[2]));
            Lease6 l = leases.get(k);
            if (l != null && l.address().equals(v6(f[3]))) {
              leases.remove(k);
            }
          }
          case "D" -> declined.put(v6(f[1]), Instant.ofEpochSecond(Long.parseLong(f[2])));
          default -> throw new IllegalArgumentException("unknown record");
        }
      } catch (RuntimeException e) {
        // A torn last line after a crash is expected; anything else is worth a word.
        if (n < all.size()) {
          LOG.warn("{}:{}: unreadable lease line '{}' skipped", file, n, line);
        }
      }
    }
    leases.values().removeIf(l -> l.expired(now));
    declined.values().removeIf(t -> !t.isAfter(now));
    return new State(leases, declined, n);
  }

  private static Inet6Address v6(String s) {
    if (!(Addresses.literal(s) instanceof Inet6Address a)) {
      throw new IllegalArgumentException("not IPv6");
    }
    return a;
  }

  void granted(Lease6 l) {
    pending
        .append("L ")
        .append(l.duid())
        .append(' ')
        .append(l.iaid())
        .append(' ')
        .append(l.address().getHostAddress())
        .append(' ')
        .append(l.expires().getEpochSecond())
        .append(' ')
        .append(l.mac().map(Mac::text).orElse("-"))
        .append(' ')
        .append(l.hostname().orElse("-"))
        .append('\n');
  }

  void freed(Lease6 l) {
    pending
        .append("F ")
        .append(l.duid())
        .append(' ')
        .append(l.iaid())
        .append(' ')
        .append(l.address().getHostAddress())
        .append('\n');
  }

  void declined(Inet6Address a, Instant until) {
    pending
        .append("D ")
        .append(a.getHostAddress())
        .append(' ')
        .append(until.getEpochSecond())
        .append('\n');
  }

  /** Writes and fsyncs what was recorded since the last commit: one fsync for a whole batch. */
  void commit() {
    if (pending.length() == 0) {
      return;
    }
    byte[] b = pending.toString().getBytes(StandardCharsets.UTF_8);
    pending.setLength(0);
    for (byte x : b) {
      if (x == '\n') {
        lines++;
      }
    }
    try {
      ByteBuffer buf = ByteBuffer.wrap(b);
      while (buf.hasRemaining()) {
        log.write(buf);
      }
      log.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the lease log " + file + ": " + e, e);
    }
  }

  boolean wantsCompaction(int live) {
    return lines > Math.max(MIN_COMPACT, 4L * live);
  }

  /** Rewrites the log as the live state: temp file, fsync, rename, fsync of the directory. */
  void compact(Collection<Lease6> leases, Map<Inet6Address, Instant> declined, Instant now) {
    commit();
    for (Lease6 l : leases) {
      if (!l.expired(now)) {
        granted(l);
      }
    }
    declined.forEach(
        (a, t) -> {
          if (t.isAfter(now)) {
            declined(a, t);
          }
        });
    String text = pending.toString();
    pending.setLength(0);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (FileChannel c =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          c.write(buf);
        }
        c.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
      if (log != null) {
        log.close();
      }
      log =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      lines = text.chars().filter(ch -> ch == '\n').count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compact the lease log " + file + ": " + e, e);
    }
  }

  /** Bindings sorted by address. */
  static List<Lease6> sorted(Collection<Lease6> leases) {
    List<Lease6> out = new ArrayList<>(leases);
    out.sort(Comparator.comparing(l -> Range6.toBig(l.address())));
    return out;
  }

  @Override
  public void close() {
    try {
      commit();
    } catch (RuntimeException e) {
      LOG.warn("{}", e.getMessage());
    }
    try {
      if (log != null) {
        log.close();
      }
    } catch (IOException e) {
      LOG.debug("closing {}: {}", file, e.toString());
    }
  }
}
