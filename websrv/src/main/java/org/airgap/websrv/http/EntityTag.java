package org.airgap.websrv.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An entity tag (RFC 9110 section 8.8.3): the opaque value without quotes, and whether it is weak.
 * {@link #toString()} gives the header form ({@code "abc"} or {@code W/"abc"}).
 */
public record EntityTag(String opaque, boolean weak) {
  public EntityTag {
    for (int i = 0; i < opaque.length(); i++) {
      char c = opaque.charAt(i);
      if (c == '"' || c < 0x21 || c == 0x7f) {
        throw new IllegalArgumentException("invalid character in entity tag: " + opaque);
      }
    }
  }

  /** A strong tag with this opaque value (for a blob: its digest). */
  public static EntityTag strong(String opaque) {
    return new EntityTag(opaque, false);
  }

  /**
   * The strong tag of a file from its size, modification time (to the nanosecond the file system
   * keeps) and, where there is one, its inode: a file replaced by rename gets a new tag even with
   * the same size and time.
   */
  public static EntityTag forFile(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return forFile(a.size(), a.lastModifiedTime().toInstant(), Optional.ofNullable(a.fileKey()));
  }

  /** The strong tag for a file of {@code size} bytes modified at {@code mtime}. */
  public static EntityTag forFile(long size, Instant mtime, Optional<Object> fileKey) {
    long nanos = mtime.getEpochSecond() * 1_000_000_000L + mtime.getNano();
    String key = fileKey.map(k -> Integer.toHexString(k.toString().hashCode()) + "-").orElse("");
    return strong(key + Long.toHexString(nanos) + "-" + Long.toHexString(size));
  }

  /** Strong comparison: both strong and the same value. */
  public boolean strongMatch(EntityTag other) {
    return !weak && !other.weak && opaque.equals(other.opaque);
  }

  /** Weak comparison: the same value, weakness ignored. */
  public boolean weakMatch(EntityTag other) {
    return opaque.equals(other.opaque);
  }

  /** Parses one tag in header form; empty when it is not one. */
  public static Optional<EntityTag> parse(String text) {
    String s = text.strip();
    boolean weak = false;
    if (s.startsWith("W/")) {
      weak = true;
      s = s.substring(2);
    }
    if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
      return Optional.empty();
    }
    try {
      return Optional.of(new EntityTag(s.substring(1, s.length() - 1), weak));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses the list of an {@code If-Match} or {@code If-None-Match} header. {@code *} is returned
   * as {@link TagList#any()}; malformed members are skipped.
   */
  public static TagList parseList(String header) {
    String s = header.strip();
    if (s.equals("*")) {
      return new TagList(true, List.of());
    }
    List<EntityTag> tags = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      int start = s.indexOf('"', i);
      if (start < 0) {
        break;
      }
      int end = s.indexOf('"', start + 1);
      if (end < 0) {
        break;
      }
      boolean weak = start >= 2 && s.startsWith("W/", start - 2);
      parse((weak ? "W/" : "") + s.substring(start, end + 1)).ifPresent(tags::add);
      i = end + 1;
    }
    return new TagList(false, tags);
  }

  /** The members of an If-Match / If-None-Match header, or {@code *}. */
  public record TagList(boolean any, List<EntityTag> tags) {
    public TagList {
      tags = List.copyOf(tags);
    }

    public boolean anyStrongMatch(EntityTag current) {
      return any || tags.stream().anyMatch(t -> t.strongMatch(current));
    }

    public boolean anyWeakMatch(EntityTag current) {
      return any || tags.stream().anyMatch(t -> t.weakMatch(current));
    }
  }

  @Override
  public String toString() {
    return (weak ? "W/\"" : "\"") + opaque + "\"";
  }
}
