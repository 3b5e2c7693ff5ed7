package org.airgap.appliance.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol: datagrams such as {@code READY=1} sent to {@code $NOTIFY_SOCKET} (a
 * path, or an abstract name written with a leading {@code @}). The JDK has no AF_UNIX datagram
 * sockets, so this uses Netty's epoll domain datagram channel, connected to the address before
 * writing. Without {@code NOTIFY_SOCKET} every call is a no-op.
 */
public final class SdNotify implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);

  private final Optional<String> socket;
  private EventLoopGroup group;
  private Channel channel;

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
    try {
      if (channel == null || !channel.isActive()) {
        connect();
      }
      channel
          .writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8))
          .await(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("cannot notify systemd at {}: {}", socket.get(), e.getMessage());
    }
  }

  private void connect() throws InterruptedException {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("epoll is not available: " + Epoll.unavailabilityCause());
    }
    if (group == null) {
      group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }
    channel =
        new Bootstrap()
            .group(group)
            .channel(EpollDomainDatagramChannel.class)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(new DomainSocketAddress(kernelAddress(socket.get())))
            .sync()
            .channel();
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      channel = null;
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
      group = null;
    }
  }
}
