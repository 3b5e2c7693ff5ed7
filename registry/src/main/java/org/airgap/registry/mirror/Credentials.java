package org.airgap.registry.mirror;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password for one registry (Basic, or the token service's Basic). */
public record Credentials(String user, String password) {
  public Credentials {
    if (user.isEmpty() || user.contains(":")) {
      throw new IllegalArgumentException("a user name must be non-empty without ':'");
    }
  }

  /** {@code USER:PASSWORD}, the form of skopeo's {@code --creds}. */
  public static Credentials parse(String userColonPassword) {
    int colon = userColonPassword.indexOf(':');
    if (colon <= 0) {
      throw new MirrorException(MirrorException.Kind.USAGE, "credentials must be USER:PASSWORD");
    }
    return new Credentials(
        userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
  }

  /** The value of an {@code Authorization: Basic} header. */
  public String basicHeader() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[" + user + ", ***]";
  }
}
