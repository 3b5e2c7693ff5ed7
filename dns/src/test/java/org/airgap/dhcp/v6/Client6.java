package org.airgap.dhcp.v6;

import static org.airgap.dhcp.v6.Dhcp6Message.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.airgap.dhcp.NetnsHarness;

/**
 * A DHCPv6 client of the test's own, for what dhclient does not send on demand (a DUID-UUID, Rapid
 * Commit, CONFIRM, DECLINE, REBIND at will, garbage): a UDP socket on port 546 of a link-local
 * address in the client namespace, sending to {@code ff02::1:2}.
 */
final class Client6 implements AutoCloseable {
  private final DatagramChannel ch;
  private final InetSocketAddress server;

  private Client6(DatagramChannel ch, InetSocketAddress server) {
    this.ch = ch;
    this.server = server;
  }

  /** Opens the socket inside the client namespace on {@code linkLocal} (port 546). */
  static Client6 open(NetnsHarness net, String linkLocal) {
    return net.call(
        net.client,
        () -> {
          int ni = Net6.if_nametoindex(net.clientIf);
          DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6);
          ch.bind(
              new InetSocketAddress(
                  Inet6Address.getByAddress(
                      null, InetAddress.getByName(linkLocal).getAddress(), ni),
                  546));
          ch.socket().setSoTimeout(1000);
          InetAddress group =
              Inet6Address.getByAddress(null, InetAddress.getByName("ff02::1:2").getAddress(), ni);
          return new Client6(ch, new InetSocketAddress(group, 547));
        });
  }

  void send(byte[] b) {
    try {
      ch.send(ByteBuffer.wrap(b), server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code m} (up to three times) and returns the reply with its transaction id. */
  Optional<Dhcp6Message> exchange(Dhcp6Message m) {
    for (int attempt = 0; attempt < 3; attempt++) {
      send(m.encode());
      Optional<Dhcp6Message> r = receive(m.transactionId());
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  /** The next message with {@code xid} within a second. */
  Optional<Dhcp6Message> receive(int xid) {
    byte[] buf = new byte[1500];
    long end = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < end) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        ch.socket().receive(p);
      } catch (SocketTimeoutException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Dhcp6Message r = Dhcp6Message.parse(buf, 0, p.getLength());
      if (r.transactionId() == xid) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  // ---- messages ----

  static Duid uuid(int n) {
    byte[] b = new byte[18];
    b[1] = Duid.UUID;
    b[17] = (byte) n;
    b[2] = 0x5a;
    return new Duid(b);
  }

  static int xid() {
    return ThreadLocalRandom.current().nextInt(1, 0xffffff);
  }

  static Option clientId(Duid d) {
    return new Option(OPT_CLIENTID, d.bytes());
  }

  static Option serverId(Duid d) {
    return new Option(OPT_SERVERID, d.bytes());
  }

  static Option ia(long iaid, Inet6Address... addrs) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(u32(iaid));
    b.writeBytes(new byte[8]);
    List<Option> sub = new ArrayList<>();
    for (Inet6Address a : addrs) {
      ByteArrayOutputStream x = new ByteArrayOutputStream();
      x.writeBytes(a.getAddress());
      x.writeBytes(new byte[8]);
      sub.add(new Option(OPT_IAADDR, x.toByteArray()));
    }
    b.writeBytes(Dhcp6Message.encode(sub));
    return new Option(OPT_IA_NA, b.toByteArray());
  }

  static Dhcp6Message solicit(Duid d, long iaid, boolean rapid) {
    List<Option> o = new ArrayList<>(List.of(clientId(d), ia(iaid), elapsed()));
    if (rapid) {
      o.add(new Option(OPT_RAPID_COMMIT, new byte[0]));
    }
    return Dhcp6Message.of(SOLICIT, xid(), o);
  }

  static Dhcp6Message withServer(int type, Duid d, Duid server, long iaid, Inet6Address a) {
    return Dhcp6Message.of(type, xid(), List.of(clientId(d), serverId(server), ia(iaid, a)));
  }

  static Dhcp6Message noServer(int type, Duid d, long iaid, Inet6Address a) {
    return Dhcp6Message.of(type, xid(), List.of(clientId(d), ia(iaid, a)));
  }

  static Option elapsed() {
    return new Option(OPT_ELAPSED_TIME, new byte[2]);
  }

  // ---- reading replies ----

  /** The addresses (with valid lifetime) of the first IA_NA, or its status code. */
  record IaResult(
      long iaid, List<Inet6Address> addresses, List<Long> valid, Optional<Integer> status) {}

  static IaResult firstIa(Dhcp6Message m) {
    byte[] b = m.option(OPT_IA_NA).orElseThrow(() -> new AssertionError("no IA_NA in " + m));
    List<Inet6Address> addrs = new ArrayList<>();
    List<Long> valid = new ArrayList<>();
    Optional<Integer> status = Optional.empty();
    for (Option o : Dhcp6Message.options(b, 12, b.length)) {
      if (o.code() == OPT_IAADDR) {
        addrs.add(Dhcp6Message.v6(java.util.Arrays.copyOf(o.data(), 16)));
        valid.add(u32(o.data(), 20));
      } else if (o.code() == OPT_STATUS_CODE) {
        status = Optional.of(u16(o.data(), 0));
      }
    }
    return new IaResult(u32(b, 0), addrs, valid, status);
  }

  static Optional<Integer> status(Dhcp6Message m) {
    return m.option(OPT_STATUS_CODE).map(b -> u16(b, 0));
  }

  static Inet6Address ip6(String s) {
    return Dhcp6Message.v6(org.airgap.dns.Addresses.literal(s).getAddress());
  }
}
