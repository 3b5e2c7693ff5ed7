package org.airgap.websrv;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the files under a root folder over HTTP (and optionally HTTPS) on Netty's epoll transport:
 * GET/HEAD, ranges, conditional requests, directory listings; bodies by sendfile.
 *
 * <p>Constructor only assigns; {@link #start()} binds every address; {@link #close()} is idempotent
 * and never throws.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

  private final WebServerConfig config;
  private final ServerCounters counters = new ServerCounters();
  private final List<Channel> channels = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private EventLoopGroup group;

  public WebServer(WebServerConfig config) {
    this.config = config;
  }

  /**
   * Binds every listen address.
   *
   * @throws WebServerException naming the address and the reason when one cannot be bound (the
   *     others are released again)
   */
  public synchronized void start() {
    if (group != null) {
      throw new IllegalStateException("already started");
    }
    SafePaths paths;
    try {
      paths = SafePaths.create(config.root(), config.allowedSymlinkTargets());
    } catch (IOException e) {
      throw new WebServerException("cannot serve " + config.root() + ": " + e, e);
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelClass =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    // one event loop per core, as nginx runs one worker per core: sendfile does the heavy lifting
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    group = new MultiThreadIoEventLoopGroup(threads, factory);
    Optional<SslContext> ssl =
        config.tls().map(ctx -> new JdkSslContext(ctx, false, ClientAuth.NONE));
    long idle = config.idleTimeout().toMillis();
    try {
      bindAll(config.listen(), channelClass, paths, Optional.empty(), idle);
      bindAll(config.tlsListen(), channelClass, paths, ssl, idle);
    } catch (WebServerException e) {
      close();
      throw e;
    }
    LOG.info(
        "websrv serving {} on {}{}",
        paths.root(),
        bound,
        epoll ? " (epoll, sendfile)" : " (nio: epoll unavailable)");
  }

  private void bindAll(
      List<InetSocketAddress> addresses,
      Class<? extends ServerChannel> channelClass,
      SafePaths paths,
      Optional<SslContext> ssl,
      long idle) {
    StaticFileHandler handler = new StaticFileHandler(paths, config, counters, ssl.isPresent());
    for (InetSocketAddress a : addresses) {
      ServerBootstrap b =
          new ServerBootstrap()
              .group(group)
              .channel(channelClass)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new WebServerInitializer(ssl, handler, idle));
      try {
        Channel ch = b.bind(a).sync().channel();
        channels.add(ch);
        bound.add((InetSocketAddress) ch.localAddress());
      } catch (Exception e) {
        throw new WebServerException(
            "websrv cannot listen on " + text(a) + ": " + e.getMessage(), e);
      }
    }
  }

  private static String text(InetSocketAddress a) {
    String host =
        a.getAddress() == null
            ? a.getHostString()
            : io.netty.util.NetUtil.toAddressString(a.getAddress(), false);
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** The plain-HTTP addresses then the HTTPS ones, with the real ports. Empty before start. */
  public synchronized List<InetSocketAddress> addresses() {
    return List.copyOf(bound);
  }

  /** The plain-HTTP addresses actually bound. */
  public synchronized List<InetSocketAddress> httpAddresses() {
    return List.copyOf(bound.subList(0, Math.min(bound.size(), config.listen().size())));
  }

  /** The HTTPS addresses actually bound. */
  public synchronized List<InetSocketAddress> httpsAddresses() {
    int n = config.listen().size();
    return bound.size() <= n ? List.of() : List.copyOf(bound.subList(n, bound.size()));
  }

  /**
   * A snapshot of the counters: requests, bytes_sent, partial_responses, not_modified, errors,
   * client_errors, server_errors, aborted_responses, connections, open_connections.
   */
  public Map<String, Long> counters() {
    return counters.snapshot();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      for (Channel ch : channels) {
        try {
          ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
          LOG.debug("closing {}: {}", ch, e.toString());
        }
      }
      if (group != null) {
        try {
          group
              .shutdownGracefully(0, 2, TimeUnit.SECONDS)
              .awaitUninterruptibly(5, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
          LOG.debug("stopping event loops: {}", e.toString());
        }
      }
    }
  }
}
