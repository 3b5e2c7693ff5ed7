package org.airgap.dns;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Epoll where the native transport loads (Linux), NIO elsewhere. */
final class NettyTransport {
  private NettyTransport() {}

  static boolean epoll() {
    return Epoll.isAvailable();
  }

  static EventLoopGroup group(int threads, String name) {
    IoHandlerFactory f = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return new MultiThreadIoEventLoopGroup(threads, tf, f);
  }

  static Class<? extends DatagramChannel> datagram() {
    return epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  static Class<? extends ServerChannel> server() {
    return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  static Class<? extends Channel> socket() {
    return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
