package org.airgap.redfish.driver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One machine behind the facade: its name (the Redfish {@code Id} and the {@code Systems/local/}
 * path segment), its SMBIOS UUID and the MAC of its provisioning NIC.
 */
public record Machine(String name, UUID uuid, String mac) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

  public Machine {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "machine name '" + name + "' must be 1-63 letters, digits, '.', '_' or '-'");
    }
    if (name.equals("local")) {
      throw new IllegalArgumentException(
          "machine name 'local' is reserved (Systems/local/<name> is a path form)");
    }
    mac = mac.toLowerCase(Locale.ROOT).replace('-', ':');
    if (!MAC.matcher(mac).matches()) {
      throw new IllegalArgumentException("'" + mac + "' is not a MAC address (52:54:00:12:34:56)");
    }
  }

  /** {@code vm-<index>} with the derived UUID and MAC (stable across restarts). */
  public static Machine numbered(int index) {
    String name = "vm-" + index;
    return new Machine(name, uuidFor(name), macFor(index));
  }

  /** The default UUID of a machine named {@code name}: a name-based (v3) UUID. */
  public static UUID uuidFor(String name) {
    return UUID.nameUUIDFromBytes(("airgap redfish " + name).getBytes(StandardCharsets.UTF_8));
  }

  /** The default MAC of the {@code index}-th machine: {@code 52:54:00:a1:HH:LL}. */
  public static String macFor(int index) {
    if (index < 0 || index > 0xffff) {
      throw new IllegalArgumentException("machine index " + index + " is out of range 0-65535");
    }
    return String.format("52:54:00:a1:%02x:%02x", (index >> 8) & 0xff, index & 0xff);
  }

  /** {@code vm-0} … {@code vm-(count-1)}. */
  public static List<Machine> numbered(int from, int count) {
    List<Machine> l = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      l.add(numbered(i));
    }
    return List.copyOf(l);
  }

  /** The default machines: {@code vm-0}, {@code vm-1}, {@code vm-2}. */
  public static List<Machine> defaults() {
    return numbered(0, 3);
  }
}
