package org.airgap.appliance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one data directory ({@code /var/lib/airgap}; {@code ./var} in dev), created 0750 and locked
 * by the running daemon so that a second daemon on the same folder exits at once.
 *
 * <pre>
 * &lt;data-dir&gt;/
 * ├── airgap.lock       held (fcntl lock) by the running daemon; holds its PID
 * ├── htpasswd          users (bcrypt), 0600
 * ├── admin-password    the generated first user's password, 0600
 * ├── pki/              site CA and server certificates (see Pki)
 * ├── registry/         registry storage
 * ├── srv/              web server root (srv/images/ holds RHCOS artifacts)
 * ├── dhcp/             lease store
 * ├── redfish/          virtual media cache (readable by the hypervisor's user)
 * └── state/            progress and results published for the console (state/mirror/)
 * </pre>
 */
public final class DataDir implements AutoCloseable {
  private final Path root;
  private FileChannel lockChannel;
  private FileLock lock;

  public DataDir(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** Creates the folder if needed (0750). */
  public DataDir create() {
    try {
      if (!Files.isDirectory(root)) {
        Files.createDirectories(root);
        try {
          Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-x---"));
        } catch (UnsupportedOperationException ignored) {
          // not POSIX
        }
      }
      return this;
    } catch (IOException e) {
      throw new StartupException("data dir " + root + ": cannot create it: " + e.getMessage(), e);
    }
  }

  /** Takes the daemon lock; throws with a clear message when another daemon holds it. */
  public synchronized void lock() {
    Path file = root.resolve("airgap.lock");
    try {
      lockChannel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        lockChannel.close();
        throw new StartupException(
            "data dir "
                + root
                + " is in use by another airgap daemon"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + "; stop it or use another data-dir");
      }
      lockChannel.truncate(0);
      lockChannel.write(
          ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
          0);
      lockChannel.force(true);
    } catch (IOException e) {
      throw new StartupException("data dir " + root + ": cannot lock it: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (lock != null) {
        lock.release();
        lock = null;
      }
      if (lockChannel != null) {
        lockChannel.close();
        lockChannel = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
