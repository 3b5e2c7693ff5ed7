package org.airgap.websrv;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a request target to a file under the root, refusing everything that could reach outside:
 * {@code ..} and {@code .} segments (raw or percent-encoded), empty segments ({@code //}),
 * backslashes, NUL, malformed percent-encoding or UTF-8 (all 400); names starting with a dot, such
 * as the downloader's temp files (404); and symlinks whose target lies outside the root and outside
 * every allowed folder (403).
 */
final class SafePaths {
  /**
   * A resolved request: the real file or folder, its attributes (not following a link: {@code file}
   * is real, so they are the target's), and whether the URL ended with a slash.
   */
  record Target(Path file, BasicFileAttributes attributes, String urlPath, boolean trailingSlash) {}

  private final Path root;
  private final List<Path> allowed;

  private SafePaths(Path root, List<Path> allowed) {
    this.root = root;
    this.allowed = allowed;
  }

  /** Resolves the root and the allowed folders to their real paths (call once at start). */
  static SafePaths create(Path root, List<Path> allowedSymlinkTargets) throws IOException {
    List<Path> allowed = new ArrayList<>();
    for (Path p : allowedSymlinkTargets) {
      allowed.add(Files.exists(p) ? p.toRealPath() : p.toAbsolutePath().normalize());
    }
    return new SafePaths(root.toRealPath(), List.copyOf(allowed));
  }

  Path root() {
    return root;
  }

  /** The decoded URL path of a request target ({@code /a/b}), without query or fragment. */
  static String decodePath(String target) {
    String t = target;
    int q = indexOfAny(t, '?', '#');
    if (q >= 0) {
      t = t.substring(0, q);
    }
    if (t.startsWith("http://") || t.startsWith("https://")) {
      int slash = t.indexOf('/', t.indexOf("://") + 3);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    if (!t.startsWith("/")) {
      throw new WebErrorException(WebError.BAD_REQUEST, "the request target must start with /");
    }
    if (t.indexOf('\\') >= 0) {
      throw new WebErrorException(WebError.BAD_REQUEST, "backslash in path");
    }
    String decoded = percentDecode(t);
    if (decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
      throw new WebErrorException(WebError.BAD_REQUEST, "NUL or backslash in path");
    }
    return decoded;
  }

  /** Resolves a request target; throws {@link WebErrorException} when it must be refused. */
  Target resolve(String target) {
    String path = decodePath(target);
    boolean trailingSlash = path.length() > 1 && path.endsWith("/");
    String[] segments = path.substring(1).split("/", -1);
    Path p = root;
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.isEmpty()) {
        if (last) {
          break;
        }
        throw new WebErrorException(WebError.BAD_REQUEST, "empty path segment");
      }
      if (s.equals(".") || s.equals("..")) {
        throw new WebErrorException(WebError.BAD_REQUEST, "dot segment in path");
      }
      if (s.startsWith(".")) {
        throw new WebErrorException(WebError.NOT_FOUND, "hidden name");
      }
      p = p.resolve(s);
    }
    if (!p.normalize().startsWith(root)) {
      throw new WebErrorException(WebError.BAD_REQUEST, "path leaves the root");
    }
    Path real;
    BasicFileAttributes attributes;
    try {
      // The root is real: when no name below it is a symlink, the path is its own real path. One
      // lstat per segment (two for /images/x.iso) instead of realpath(3)'s readlink on every
      // component from /; the last lstat is the file's attributes, which the caller needs anyway.
      attributes = linkFree(p);
      if (attributes != null) {
        real = p;
      } else {
        real = p.toRealPath();
        attributes = Files.readAttributes(real, BasicFileAttributes.class, NOFOLLOW_LINKS);
      }
    } catch (IOException e) {
      throw new WebErrorException(WebError.NOT_FOUND, "no such file");
    }
    if (!real.startsWith(root) && allowed.stream().noneMatch(real::startsWith)) {
      throw new WebErrorException(WebError.FORBIDDEN, "symlink points outside the root");
    }
    return new Target(real, attributes, path, trailingSlash);
  }

  /**
   * The attributes of {@code p} when no segment of it below the root is a symlink; null when one is
   * (the caller resolves the links).
   */
  private BasicFileAttributes linkFree(Path p) throws IOException {
    Path rel = root.relativize(p);
    if (rel.toString().isEmpty()) {
      return Files.readAttributes(root, BasicFileAttributes.class, NOFOLLOW_LINKS); // "/" itself
    }
    Path at = root;
    BasicFileAttributes a = null;
    for (Path segment : rel) {
      at = at.resolve(segment);
      a = Files.readAttributes(at, BasicFileAttributes.class, NOFOLLOW_LINKS);
      if (a.isSymbolicLink()) {
        return null;
      }
    }
    return a;
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == a || c == b) {
        return i;
      }
    }
    return -1;
  }

  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteBuffer out = ByteBuffer.allocate(s.length() * 3);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new WebErrorException(WebError.BAD_REQUEST, "truncated percent-encoding");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new WebErrorException(WebError.BAD_REQUEST, "invalid percent-encoding");
        }
        out.put((byte) (hi * 16 + lo));
        i += 2;
      } else {
        out.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    out.flip();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(out)
          .toString();
    } catch (CharacterCodingException e) {
      throw new WebErrorException(WebError.BAD_REQUEST, "path is not UTF-8");
    }
  }
}
