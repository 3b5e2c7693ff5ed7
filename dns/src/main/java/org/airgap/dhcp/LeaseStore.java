package org.airgap.dhcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.dns.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv4 leases on disk: an append-only log that is fsynced once per batch of replies (group
 * commit: an ACK leaves only after its lease is on disk) and compacted when it has grown to several
 * times the live leases. Compaction writes the live state to a temp file, fsyncs it, renames it
 * over the log and fsyncs the directory, so a crash at any instant leaves the old or the new log. A
 * torn last line (a {@code kill -9} mid-write) is ignored on load.
 *
 * <pre>
 * &lt;data-dir&gt;/dhcp/
 * └── leases4.log      one event per line:
 *       L MAC ADDRESS EXPIRES-EPOCH-SECONDS NAME|-    a lease granted or renewed
 *       F MAC ADDRESS                                 a lease released or declined
 *       D ADDRESS UNTIL-EPOCH-SECONDS                 an address declined: not offered until then
 * </pre>
 *
 * Not thread-safe: the DHCP engine calls it under its own lock.
 */
final class LeaseStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseStore.class);
  private static final int MIN_COMPACT = 1000;

  private final Path file;
  private final StringBuilder pending = new StringBuilder();
  private FileChannel log;
  private long linesSinceCompaction;

  /** What a log holds once replayed. */
  record State(Map<Mac, Lease> leases, Map<Inet4Address, Instant> declined, long lines) {}

  LeaseStore(Path file) {
    this.file = file;
  }

  /** Replays the log (dropping what expired before {@code now}) and opens it for appending. */
  State open(Instant now) {
    try {
      Files.createDirectories(file.getParent());
      State s = read(file, now);
      log =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      linesSinceCompaction = s.lines();
      compact(s.leases().values(), s.declined(), now);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the lease log " + file + ": " + e, e);
    }
  }

  /** The leases a log holds at {@code now} (for {@code airgap dhcp leases}; reads only). */
  static State read(Path file, Instant now) {
    Map<Mac, Lease> leases = new LinkedHashMap<>();
    Map<Inet4Address, Instant> declined = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new State(leases, declined, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lease log " + file + ": " + e, e);
    }
    int n = 0;
    for (String line : lines) {
      n++;
      String[] f = line.split(" ");
      try {
        switch (f[0]) {
          case "L" -> {
            Lease l =
                new Lease(
                    Mac.parse(f[1]),
                    v4(f[2]),
                    f[4].equals("-") ? Optional.empty() : Optional.of(f[4]),
                    Instant.ofEpochSecond(Long.parseLong(f[3])));
            leases.values().removeIf(o -> o.address().equals(l.address()));
            leases.put(l.mac(), l);
          }
          case "F" -> leases.remove(Mac.parse(f[1]));
          case "D" -> declined.put(v4(f[1]), Instant.ofEpochSecond(Long.parseLong(f[2])));
          default -> throw new IllegalArgumentException("unknown record");
        }
      } catch (RuntimeException e) {
        // A torn last line after a crash is expected; anything else is worth a word.
        if (n < lines.size()) {
          LOG.warn("{}:{}: unreadable lease line '{}' skipped", file, n, line);
        }
      }
    }
    leases.values().removeIf(l -> l.expired(now));
    declined.values().removeIf(t -> !t.isAfter(now));
    return new State(leases, declined, n);
  }

  private static Inet4Address v4(String s) {
    if (!(Addresses.literal(s) instanceof Inet4Address a)) {
      throw new IllegalArgumentException("not IPv4");
    }
    return a;
  }

  void granted(Lease l) {
    pending
        .append("L ")
        .append(l.mac())
        .append(' ')
        .append(l.address().getHostAddress())
        .append(' ')
        .append(l.expires().getEpochSecond())
        .append(' ')
        .append(l.hostname().orElse("-"))
        .append('\n');
  }

  void freed(Lease l) {
    pending
        .append("F ")
        .append(l.mac())
        .append(' ')
        .append(l.address().getHostAddress())
        .append('\n');
  }

  void declined(Inet4Address a, Instant until) {
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
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        linesSinceCompaction++;
      }
    }
    pending.setLength(0);
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

  /** Whether the log has grown enough past the live state to be worth rewriting. */
  boolean wantsCompaction(int live) {
    return linesSinceCompaction > Math.max(MIN_COMPACT, 4L * live);
  }

  /** Rewrites the log as the live state: temp file, fsync, rename, fsync of the directory. */
  void compact(Collection<Lease> leases, Map<Inet4Address, Instant> declined, Instant now) {
    commit();
    for (Lease l : leases) {
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
      linesSinceCompaction = leases.size() + declined.size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compact the lease log " + file + ": " + e, e);
    }
  }

  /** Live lease count helper for callers that want a list. */
  static List<Lease> sorted(Collection<Lease> leases) {
    List<Lease> out = new ArrayList<>(leases);
    out.sort(
        (a, b) -> Integer.compareUnsigned(Engine.toInt(a.address()), Engine.toInt(b.address())));
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
