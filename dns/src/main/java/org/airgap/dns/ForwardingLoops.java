package org.airgap.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/** Finds upstreams that are this server itself: forwarding to them would loop. */
public final class ForwardingLoops {
  private ForwardingLoops() {}

  /** The upstreams among {@code upstreams} that one of {@code listen} would answer. */
  public static List<Upstream> find(List<InetSocketAddress> listen, List<Upstream> upstreams) {
    List<Upstream> out = new ArrayList<>();
    for (Upstream u : upstreams) {
      if (isOwn(listen, u.address())) {
        out.add(u);
      }
    }
    return out;
  }

  /** Whether {@code a} is one of {@code listen}, also through a wildcard listen address. */
  public static boolean isOwn(List<InetSocketAddress> listen, InetSocketAddress a) {
    for (InetSocketAddress l : listen) {
      if (l.getPort() != a.getPort()) {
        continue;
      }
      InetAddress la = l.getAddress();
      if (la.equals(a.getAddress()) || (la.isAnyLocalAddress() && isLocal(a.getAddress()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLocal(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(a) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
