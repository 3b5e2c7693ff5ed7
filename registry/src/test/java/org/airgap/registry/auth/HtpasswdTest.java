package org.airgap.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The htpasswd file: Apache's own tool writes it, we read it, reload it and cache checks. */
class HtpasswdTest {
  @TempDir Path dir;

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("%s: %s", List.of(cmd), out).isZero();
  }

  @Test
  void readsEntriesWrittenByApacheHtpasswd() throws Exception {
    Path f = dir.resolve("htpasswd");
    run("htpasswd", "-bBc", "-C", "5", f.toString(), "alice", "wonderland");
    run("htpasswd", "-bB", "-C", "5", f.toString(), "bob", "builder");
    assertThat(Files.readString(f)).contains("alice:$2y$05$");
    Htpasswd h = new Htpasswd(f);
    assertThat(h.users()).containsExactly("alice", "bob");
    assertThat(h.check("alice", "wonderland")).isTrue();
    assertThat(h.check("bob", "builder")).isTrue();
    assertThat(h.check("alice", "builder")).isFalse();
    assertThat(h.check("carol", "x")).isFalse();
  }

  @Test
  void acceptsEvery2xPrefixAndRefusesNonBcryptEntries() throws Exception {
    Path f = dir.resolve("htpasswd");
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Files.writeString(
        f,
        "a:"
            + OpenBSDBCrypt.generate("2a", "pw".toCharArray(), salt, 4)
            + "\n"
            + "b:"
            + OpenBSDBCrypt.generate("2b", "pw".toCharArray(), salt, 4)
            + "\n"
            + "# a comment\n\n");
    run("htpasswd", "-bm", f.toString(), "md5user", "pw");
    Htpasswd h = new Htpasswd(f);
    assertThat(h.check("a", "pw")).isTrue();
    assertThat(h.check("b", "pw")).isTrue();
    assertThat(h.check("md5user", "pw")).isFalse();
  }

  @Test
  void reloadsWhenTheFileChanges() throws Exception {
    Path f = dir.resolve("htpasswd");
    run("htpasswd", "-bBc", "-C", "4", f.toString(), "alice", "old-password");
    Htpasswd h = new Htpasswd(f);
    assertThat(h.check("alice", "old-password")).isTrue();
    run("htpasswd", "-bB", "-C", "4", f.toString(), "alice", "new-password");
    run("htpasswd", "-bB", "-C", "4", f.toString(), "dave", "pw");
    assertThat(h.check("alice", "new-password")).isTrue();
    assertThat(h.check("alice", "old-password")).isFalse(); // the cache is keyed by the hash too
    assertThat(h.check("dave", "pw")).isTrue();
    run("htpasswd", "-D", f.toString(), "dave");
    assertThat(h.check("dave", "pw")).isFalse();
    Files.delete(f);
    assertThat(h.check("alice", "new-password")).isFalse();
  }

  @Test
  void verifiedCredentialsAreCachedByHashNotByPassword() throws Exception {
    Path f = dir.resolve("htpasswd");
    run("htpasswd", "-bBc", "-C", "4", f.toString(), "alice", "pw");
    Htpasswd h = new Htpasswd(f);
    assertThat(h.cachedCount()).isZero();
    assertThat(h.check("alice", "pw")).isTrue();
    assertThat(h.check("alice", "pw")).isTrue();
    assertThat(h.cachedCount()).isEqualTo(1);
    assertThat(h.check("alice", "wrong")).isFalse();
    assertThat(h.cachedCount()).isEqualTo(1); // failures are never cached
  }

  @Test
  void badInputIsFalseNotAnException() {
    Htpasswd h = new Htpasswd(dir.resolve("missing"));
    assertThat(h.check("a", "b")).isFalse();
    assertThat(h.check(null, "b")).isFalse();
    assertThat(h.check("a", null)).isFalse();
    assertThat(h.check("", "")).isFalse();
    assertThat(h.users()).isEmpty();
  }

  @Test
  void putAndRemoveWriteAFileApacheCanVerify() throws Exception {
    Path f = dir.resolve("sub/htpasswd");
    Htpasswd.put(f, "ops", "s3cret");
    Htpasswd.put(f, "dev", "other");
    assertThat(Files.getPosixFilePermissions(f))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(f)).startsWith("ops:$2y$");
    run("htpasswd", "-vb", f.toString(), "ops", "s3cret");
    Htpasswd h = new Htpasswd(f);
    assertThat(h.check("dev", "other")).isTrue();
    assertThat(Htpasswd.remove(f, "dev")).isTrue();
    assertThat(Htpasswd.remove(f, "dev")).isFalse();
    assertThat(h.check("dev", "other")).isFalse();
    assertThat(h.users()).containsExactly("ops");
    assertThatThrownBy(() -> Htpasswd.put(f, "a:b", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Htpasswd.put(f, "a b", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
