package org.airgap.dhcp.v6;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The libc socket calls the IPv6 side needs and the JDK lacks: packet sockets (the sender's MAC of
 * a DHCPv6 request), raw ICMPv6 sockets (router advertisements and solicitations) and their socket
 * options. Linux x86_64/aarch64 constants.
 */
final class Net6 {
  static final int AF_INET6 = 10;
  static final int AF_PACKET = 17;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_REUSEADDR = 2;
  static final int SO_RCVBUF = 8;
  static final int SO_RCVTIMEO = 20;
  static final int SO_BINDTODEVICE = 25;
  static final int SO_ATTACH_FILTER = 26;
  static final int IPPROTO_IPV6 = 41;
  static final int IPPROTO_ICMPV6 = 58;
  static final int IPV6_UNICAST_HOPS = 16;
  static final int IPV6_MULTICAST_IF = 17;
  static final int IPV6_MULTICAST_HOPS = 18;
  static final int IPV6_MULTICAST_LOOP = 19;
  static final int IPV6_JOIN_GROUP = 20;
  static final int ICMP6_FILTER = 1;
  static final int ETH_P_IPV6 = 0x86dd;
  static final int PACKET_OUTGOING = 4;
  static final int MSG_DONTWAIT = 0x40;
  static final int EAGAIN = 11;
  static final int EINTR = 4;
  static final int EPERM = 1;
  static final int EACCES = 13;
  static final int EADDRINUSE = 98;

  static {
    Native.register(Net6.class, "c");
  }

  private Net6() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, byte[] value, int len)
      throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, Pointer value, int len)
      throws LastErrorException;

  static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

  static native int recvfrom(
      int fd, byte[] buf, long len, int flags, byte[] addr, IntByReference addrLen)
      throws LastErrorException;

  static native int sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen)
      throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native int if_nametoindex(String name);

  static native String strerror(int errno);

  /** The reason a call failed, with the capability it needs when that is the reason. */
  static String reason(LastErrorException e, String capability) {
    return strerror(e.getErrorCode())
        + (e.getErrorCode() == EPERM
            ? " (needs " + capability + ": run as root or grant it in the systemd unit)"
            : "");
  }

  static void closeQuietly(int fd) {
    try {
      close(fd);
    } catch (LastErrorException e) {
      // nothing to do
    }
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

  /** A {@code sockaddr_ll} for {@code protocol} on interface {@code index}. */
  static byte[] sockaddrLl(int protocol, int index) {
    byte[] sa = new byte[20];
    sa[0] = (byte) AF_PACKET;
    sa[2] = (byte) (protocol >>> 8); // sll_protocol in network order
    sa[3] = (byte) protocol;
    sa[4] = (byte) index;
    sa[5] = (byte) (index >>> 8);
    sa[6] = (byte) (index >>> 16);
    sa[7] = (byte) (index >>> 24);
    return sa;
  }

  /** A {@code sockaddr_in6} for {@code address} (16 bytes), port and scope (interface index). */
  static byte[] sockaddrIn6(byte[] address, int port, int scope) {
    byte[] sa = new byte[28];
    sa[0] = (byte) AF_INET6;
    sa[2] = (byte) (port >>> 8);
    sa[3] = (byte) port;
    System.arraycopy(address, 0, sa, 8, 16);
    sa[24] = (byte) scope;
    sa[25] = (byte) (scope >>> 8);
    sa[26] = (byte) (scope >>> 16);
    sa[27] = (byte) (scope >>> 24);
    return sa;
  }

  /** A {@code struct ipv6_mreq}: join {@code group} (16 bytes) on interface {@code index}. */
  static byte[] mreq(byte[] group, int index) {
    byte[] m = new byte[20];
    System.arraycopy(group, 0, m, 0, 16);
    m[16] = (byte) index;
    m[17] = (byte) (index >>> 8);
    m[18] = (byte) (index >>> 16);
    m[19] = (byte) (index >>> 24);
    return m;
  }

  /**
   * Attaches a classic BPF program to {@code fd} that passes only IPv6 packets whose next header is
   * UDP with destination {@code port} (offsets from the IPv6 header: a packet socket of type
   * SOCK_DGRAM hands the filter the network layer).
   */
  static void attachUdpPortFilter(int fd, int port) {
    int[][] prog = {
      {0x30, 0, 0, 6}, // ldb [6]          next header
      {0x15, 0, 3, 17}, // jeq #17, 0, 3   UDP?
      {0x28, 0, 0, 42}, // ldh [42]        UDP destination port
      {0x15, 0, 1, port}, // jeq #port, 0, 1
      {0x06, 0, 0, 0xffff}, // ret #65535  keep
      {0x06, 0, 0, 0}, // ret #0           drop
    };
    Memory filter = new Memory(8L * prog.length);
    for (int i = 0; i < prog.length; i++) {
      filter.setShort(8L * i, (short) prog[i][0]);
      filter.setByte(8L * i + 2, (byte) prog[i][1]);
      filter.setByte(8L * i + 3, (byte) prog[i][2]);
      filter.setInt(8L * i + 4, prog[i][3]);
    }
    Memory fprog = new Memory(16);
    fprog.clear();
    fprog.setShort(0, (short) prog.length);
    fprog.setPointer(8, filter);
    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16);
  }
}
