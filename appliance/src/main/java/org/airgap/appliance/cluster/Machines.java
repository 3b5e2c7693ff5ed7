package org.airgap.appliance.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * MACs and UUIDs of generated machines, derived from the site and the machine name so that the VM,
 * its DHCP host, its BareMetalHost and its Redfish system agree across every re-render.
 */
public final class Machines {
  private Machines() {}

  /** A MAC in QEMU's locally administered range 52:54:00, from the site and the name. */
  public static String mac(String siteDomain, String machine) {
    byte[] h = hash("mac/" + siteDomain + "/" + machine);
    return String.format("52:54:00:%02x:%02x:%02x", h[0] & 0xff, h[1] & 0xff, h[2] & 0xff);
  }

  /** A name-based UUID (RFC 4122 version 3) from the site and the name. */
  public static String uuid(String siteDomain, String machine) {
    return UUID.nameUUIDFromBytes(
            ("airgap/" + siteDomain + "/" + machine).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static byte[] hash(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
