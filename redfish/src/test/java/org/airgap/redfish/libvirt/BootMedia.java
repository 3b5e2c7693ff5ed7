package org.airgap.redfish.libvirt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tiny bootable images for the real-libvirtd tests: {@code grub-mkrescue} ISOs (BIOS and UEFI in
 * one, ~20 MB) whose GRUB prints {@code AIRGAP-BOOT label=<label> platform=<pc|efi>} on the serial
 * console, then either waits or reboots the guest. The same hybrid image converted to qcow2 boots
 * as a disk.
 */
final class BootMedia {
  private static final Pattern MARK = Pattern.compile("AIRGAP-BOOT label=(\\S+) platform=(\\w+)");

  private BootMedia() {}

  /** One boot seen on a serial console. */
  record Boot(String label, String platform) {}

  /** An ISO that prints its label, then sleeps ({@code reboot}: then reboots the guest). */
  static Path iso(Path dir, String label, boolean reboot) throws IOException {
    Path tree = Files.createTempDirectory(dir, "iso-" + label);
    Path grub = Files.createDirectories(tree.resolve("boot/grub"));
    Files.writeString(
        grub.resolve("grub.cfg"),
        "serial --unit=0 --speed=115200\n"
            + "terminal_input serial\n"
            + "terminal_output serial\n"
            + "echo \"AIRGAP-BOOT label="
            + label
            + " platform=${grub_platform}\"\n"
            + (reboot ? "sleep 1\nreboot\n" : "sleep 600\n"));
    Path iso = dir.resolve(label + ".iso");
    run(
        List.of(
            "grub-mkrescue",
            "--locales=",
            "--fonts=",
            "--themes=",
            "-o",
            iso.toString(),
            tree.toString()));
    Files.setPosixFilePermissions(iso, PosixFilePermissions.fromString("rw-r--r--"));
    return iso;
  }

  /** The hybrid ISO as a qcow2 disk image (SeaBIOS boots its MBR). */
  static Path disk(Path iso, Path target) throws IOException {
    run(List.of("qemu-img", "convert", "-q", "-O", "qcow2", iso.toString(), target.toString()));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));
    return target;
  }

  /** The boots a serial log shows, in order. */
  static List<Boot> boots(Path serialLog) {
    try {
      if (!Files.exists(serialLog)) {
        return List.of();
      }
      String text =
          new String(Files.readAllBytes(serialLog), java.nio.charset.StandardCharsets.ISO_8859_1);
      Matcher m = MARK.matcher(text);
      java.util.ArrayList<Boot> out = new java.util.ArrayList<>();
      while (m.find()) {
        out.add(new Boot(m.group(1), m.group(2)));
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits until the log shows at least {@code n} boots; the boots seen. */
  static List<Boot> awaitBoots(Path serialLog, int n, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Boot> seen = boots(serialLog);
    while (seen.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(100);
      seen = boots(serialLog);
    }
    return seen;
  }

  private static void run(List<String> cmd) throws IOException {
    Path out = Files.createTempFile("boot-media", ".out");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd.get(0) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(cmd + " failed (" + p.exitValue() + "): " + Files.readString(out));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
