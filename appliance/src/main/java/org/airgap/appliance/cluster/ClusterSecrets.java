package org.airgap.appliance.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.airgap.registry.auth.Htpasswd;
import org.airgap.websrv.io.AtomicFiles;

/**
 * What the control module generates once and keeps, so re-renders are stable: the registry pull
 * user the clusters log in with, the BMC user Ironic logs in with, and each hosted cluster's etcd
 * encryption key. Files live in {@code <data-dir>/cluster/}, mode 0600; the users are added to the
 * appliance's htpasswd.
 */
public final class ClusterSecrets {
  public static final String PULL_USER = "airgap-pull";
  public static final String BMC_USER = "airgap-bmc";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final Path htpasswd;

  /** A user and password. */
  public record Login(String user, String password) {}

  public ClusterSecrets(Path dataDir, Path htpasswd) {
    this.dir = dataDir.resolve("cluster");
    this.htpasswd = htpasswd;
  }

  public Login pullUser() {
    return login(PULL_USER);
  }

  public Login bmcUser() {
    return login(BMC_USER);
  }

  /** 32 random bytes, base64, for the HostedCluster's aescbc etcd encryption. */
  public String etcdKey(String cluster) {
    return kept("etcd-" + cluster + ".key", () -> random(32));
  }

  private Login login(String user) {
    String pw =
        kept(
            user + ".password",
            () -> random(18).replace('/', 'x').replace('+', 'y').replace("=", ""));
    Htpasswd check = new Htpasswd(htpasswd);
    if (!check.check(user, pw)) {
      Htpasswd.put(htpasswd, user, pw);
    }
    return new Login(user, pw);
  }

  private String kept(String name, java.util.function.Supplier<String> make) {
    Path f = dir.resolve(name);
    try {
      if (Files.exists(f)) {
        return Files.readString(f, StandardCharsets.UTF_8).strip();
      }
      String v = make.get();
      AtomicFiles.writeString(f, v + "\n", AtomicFiles.PRIVATE);
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep " + f + ": " + e.getMessage(), e);
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }
}
