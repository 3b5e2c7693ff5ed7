package org.airgap.dhcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Optional;

/**
 * A DHCP relay agent of the test's own (RFC 1542): sends client messages with {@code giaddr} from
 * port 67 to the server, and reads what the server answers to the relay. Open it inside the client
 * namespace ({@link NetnsHarness#call}).
 */
final class RelayClient implements AutoCloseable {
  final Inet4Address giaddr;
  private final DatagramSocket socket;
  private final InetSocketAddress server;

  RelayClient(Inet4Address giaddr, InetSocketAddress server) {
    this.giaddr = giaddr;
    this.server = server;
    try {
      this.socket = new DatagramSocket(new InetSocketAddress(giaddr, 67));
      socket.setSoTimeout(1500);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void sendRaw(byte[] b) {
    try {
      socket.send(new DatagramPacket(b, b.length, server));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Optional<DhcpPacket> exchange(DhcpPacket p) {
    sendRaw(p.encode());
    return receive(p.xid());
  }

  Optional<DhcpPacket> receive(int xid) {
    byte[] buf = new byte[1500];
    try {
      while (true) {
        DatagramPacket d = new DatagramPacket(buf, buf.length);
        socket.receive(d);
        DhcpPacket r = DhcpPacket.parse(buf, d.getLength());
        if (r.xid() == xid) {
          return Optional.of(r);
        }
      }
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
