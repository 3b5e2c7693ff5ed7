package org.airgap.appliance.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol: datagrams such as {@code READY=1} sent to {@code $NOTIFY_SOCKET} (a
 * path, or an abstract name written with a leading {@code @}). The JDK has no AF_UNIX datagram
 * sockets, so each notification is what libsystemd's {@code sd_notify} does, through JNA: a fresh
 * {@code socket(AF_UNIX, SOCK_DGRAM)}, one {@code sendto} to the address, {@code close} — no state
 * to go stale, and a failure is logged with the kernel's reason. Without {@code NOTIFY_SOCKET}
 * every call is a no-op.
 */
public final class SdNotify implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int MSG_NOSIGNAL = 0x4000;
  private static final int SUN_PATH_MAX = 108;

  /** The few libc calls this needs (Linux, LP64). */
  interface LibC extends Library {
    int socket(int domain, int type, int protocol) throws LastErrorException;

    long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen)
        throws LastErrorException;

    int close(int fd) throws LastErrorException;

    String strerror(int errnum);
  }

  private static volatile LibC libc;

  private final Optional<String> socket;

  public SdNotify(Optional<String> socket) {
    this.socket = socket.filter(s -> !s.isBlank());
  }

  /** From the environment: {@code NOTIFY_SOCKET}. */
  public static SdNotify fromEnvironment() {
    return new SdNotify(Optional.ofNullable(System.getenv("NOTIFY_SOCKET")));
  }

  public boolean enabled() {
    return socket.isPresent();
  }

  /** {@code @name} (abstract) becomes a NUL-prefixed name, as the kernel expects. */
  static String kernelAddress(String notifySocket) {
    return notifySocket.startsWith("@") ? "\0" + notifySocket.substring(1) : notifySocket;
  }

  /**
   * A {@code struct sockaddr_un} for {@code notifySocket}: the family, then the path with its NUL,
   * or for an abstract name a NUL and the name (its length is the address length, no NUL after).
   */
  static byte[] sockaddr(String notifySocket) {
    byte[] name = kernelAddress(notifySocket).getBytes(StandardCharsets.UTF_8);
    boolean abstractName = name.length > 0 && name[0] == 0;
    int pathLen = abstractName ? name.length : name.length + 1;
    if (pathLen > SUN_PATH_MAX) {
      throw new IllegalArgumentException("NOTIFY_SOCKET is longer than 108 bytes: " + notifySocket);
    }
    byte[] a = new byte[2 + pathLen];
    a[0] = (byte) AF_UNIX; // sa_family_t, little-endian on the platforms airgap runs on
    System.arraycopy(name, 0, a, 2, name.length);
    return a;
  }

  public void ready(String status) {
    send("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
  }

  public void reloading() {
    send("RELOADING=1\nMONOTONIC_USEC=" + (System.nanoTime() / 1000));
  }

  public void stopping() {
    send("STOPPING=1");
  }

  public void status(String status) {
    send("STATUS=" + status);
  }

  /** Sends one notification; failures are logged, never thrown (the daemon runs on). */
  public synchronized void send(String message) {
    if (socket.isEmpty()) {
      return;
    }
    LibC c;
    byte[] addr;
    try {
      c = libc();
      addr = sockaddr(socket.get());
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("cannot notify systemd at {}: {}", socket.get(), e.getMessage());
      return;
    }
    byte[] msg = message.getBytes(StandardCharsets.UTF_8);
    int fd = -1;
    try {
      fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      long sent = c.sendto(fd, msg, msg.length, MSG_NOSIGNAL, addr, addr.length);
      if (sent != msg.length) {
        LOG.warn(
            "cannot notify systemd at {}: sent {} of {} bytes", socket.get(), sent, msg.length);
      }
    } catch (LastErrorException e) {
      LOG.warn(
          "cannot notify systemd at {}: {}", socket.get(), c.strerror(e.getErrorCode()).strip());
    } finally {
      if (fd >= 0) {
        try {
          c.close(fd);
        } catch (LastErrorException e) {
          LOG.debug("close({}): {}", fd, e.getErrorCode());
        }
      }
    }
  }

  private static LibC libc() {
    LibC c = libc;
    if (c == null) {
      c = Native.load("c", LibC.class);
      libc = c;
    }
    return c;
  }

  @Override
  public void close() {
    // nothing is kept open between notifications
  }
}
