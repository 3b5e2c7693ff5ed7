package org.airgap.registry.mirror;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.airgap.registry.api.Digest;

/**
 * Release signatures supplied on disk ({@code --release-signatures DIR}), in either layout: flat
 * files {@code sha256-HEX-N} (the config map key names), or the signature store's {@code
 * sha256=HEX/signature-N}. Read as raw bytes, in the order of N.
 */
final class ReleaseSignatureFiles {
  private ReleaseSignatureFiles() {}

  /** The signatures of {@code digest}, base64, in order; empty when there are none. */
  static List<String> find(Path dir, Digest digest) {
    String key = digest.algorithm() + "-" + digest.hex();
    TreeMap<Integer, Path> found = new TreeMap<>();
    Pattern flat = Pattern.compile(Pattern.quote(key) + "-(\\d+)");
    Pattern store = Pattern.compile("signature-(\\d+)");
    try {
      if (Files.isDirectory(dir)) {
        try (var s = Files.list(dir)) {
          for (Path p : s.toList()) {
            Matcher m = flat.matcher(p.getFileName().toString());
            if (m.matches() && Files.isRegularFile(p)) {
              found.put(Integer.parseInt(m.group(1)), p);
            }
          }
        }
      }
      Path sub = dir.resolve(digest.algorithm() + "=" + digest.hex());
      if (Files.isDirectory(sub)) {
        try (var s = Files.list(sub)) {
          for (Path p : s.toList()) {
            Matcher m = store.matcher(p.getFileName().toString());
            if (m.matches() && Files.isRegularFile(p)) {
              found.putIfAbsent(Integer.parseInt(m.group(1)), p);
            }
          }
        }
      }
      List<String> out = new ArrayList<>();
      for (Path p : found.values()) {
        out.add(Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
      }
      return out;
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.LOCAL_IO, "cannot read release signatures in " + dir + ": " + e, e);
    }
  }
}
