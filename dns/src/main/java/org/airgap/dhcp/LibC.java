package org.airgap.dhcp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc socket calls the DHCP server needs and the JDK lacks (SO_BINDTODEVICE on a socket
 * bound to port 67, sending broadcasts out of one interface). Linux x86_64/aarch64 constants.
 */
final class LibC {
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_REUSEADDR = 2;
  static final int SO_BROADCAST = 6;
  static final int SO_RCVBUF = 8;
  static final int SO_RCVTIMEO = 20;
  static final int SO_BINDTODEVICE = 25;
  static final int MSG_DONTWAIT = 0x40;
  static final int EAGAIN = 11;
  static final int EINTR = 4;
  static final int EPERM = 1;
  static final int EACCES = 13;
  static final int EADDRINUSE = 98;
  static final int ENODEV = 19;
  static final int CLONE_NEWNET = 0x40000000;

  static {
    Native.register(LibC.class, "c");
  }

  private LibC() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, byte[] value, int len)
      throws LastErrorException;

  static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

  static native int recvfrom(
      int fd, byte[] buf, long len, int flags, byte[] addr, IntByReference addrLen)
      throws LastErrorException;

  static native int sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen)
      throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native int setns(int fd, int nstype) throws LastErrorException;

  static native int if_nametoindex(String name);

  static native String strerror(int errno);

  /** A {@code sockaddr_in} for {@code address:port} (address: 4 bytes, network order). */
  static byte[] sockaddrIn(byte[] address, int port) {
    byte[] sa = new byte[16];
    sa[0] = (byte) AF_INET; // sa_family in host (little-endian) order
    sa[1] = 0;
    sa[2] = (byte) (port >>> 8);
    sa[3] = (byte) port;
    System.arraycopy(address, 0, sa, 4, 4);
    return sa;
  }

  static byte[] intOption(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  /** A {@code struct timeval} of {@code millis}. */
  static byte[] timeval(long millis) {
    byte[] tv = new byte[16];
    long sec = millis / 1000;
    long usec = (millis % 1000) * 1000;
    for (int i = 0; i < 8; i++) {
      tv[i] = (byte) (sec >>> (8 * i));
      tv[8 + i] = (byte) (usec >>> (8 * i));
    }
    return tv;
  }
}
