package org.airgap.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authoritative DNS over UDP and TCP for the site's zones, forwarding or refusing the rest.
 *
 * <p>On Linux every listen address gets one UDP socket per event-loop thread (SO_REUSEPORT, so the
 * kernel spreads queries over the cores) and one TCP listener on the same port.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
  private static final int TCP_IDLE_SECONDS = 10;
  private static final int BIND_ATTEMPTS = 10;

  private final List<RecordSource> sources;
  private final Counters counters = new Counters();
  private final List<Channel> channels = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private final List<RecordSource.Subscription> subscriptions = new ArrayList<>();
  private DnsConfig config;
  private EventLoopGroup group;
  private QueryEngine engine;
  private Optional<UpstreamForwarder> forwarder = Optional.empty();
  private boolean closed;

  public DnsServer(DnsConfig config) {
    this(config, List.of());
  }

  /** A server whose zones also hold the records of {@code sources} (e.g. DHCP leases). */
  public DnsServer(DnsConfig config, List<RecordSource> sources) {
    this.config = config;
    this.sources = List.copyOf(sources);
  }

  /**
   * Binds UDP and TCP on every listen address and starts answering.
   *
   * @throws DnsException naming the address and the reason when one cannot be bound
   */
  public synchronized void start() {
    if (group != null) {
      throw new IllegalStateException("already started");
    }
    int threads = eventLoops(Runtime.getRuntime().availableProcessors());
    group = NettyTransport.group(threads, "dns");
    engine = new QueryEngine(counters, snapshot(config));
    try {
      for (InetSocketAddress a : config.listen()) {
        bind(a, NettyTransport.epoll() ? threads : 1);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    for (RecordSource s : sources) {
      subscriptions.add(s.subscribe(this::refresh));
    }
    LOG.info("dns: serving {} zone(s) on {}", config.zones().size(), bound);
  }

  /**
   * Event loops (and SO_REUSEPORT UDP sockets) for {@code cpus} processors: half of them, 1 to 4.
   * One loop answers well over 100k queries/s from pre-encoded answers, more than a site ever asks;
   * a loop per core competes with the rest of the process and with whatever else the host runs for
   * the same cores, which is what shows in the tail. Measured on 2 cores with dnsperf on the same
   * host: one loop 136-141k QPS and p99 0.33-0.59 ms at 20k QPS; two loops 107-125k QPS and p99
   * 0.40-4.7 ms.
   */
  static int eventLoops(int cpus) {
    return Math.max(1, Math.min(cpus / 2, 4));
  }

  private void bind(InetSocketAddress a, int udpSockets) {
    DnsException last = null;
    for (int attempt = 0; attempt < (a.getPort() == 0 ? BIND_ATTEMPTS : 1); attempt++) {
      List<Channel> mine = new ArrayList<>();
      try {
        Channel first = bindUdp(a);
        mine.add(first);
        int port = ((InetSocketAddress) first.localAddress()).getPort();
        InetSocketAddress at = new InetSocketAddress(a.getAddress(), port);
        mine.add(bindTcp(at));
        for (int i = 1; i < udpSockets; i++) {
          mine.add(bindUdp(at));
        }
        channels.addAll(mine);
        bound.add(at);
        return;
      } catch (DnsException e) {
        mine.forEach(Channel::close);
        last = e;
      }
    }
    throw last;
  }

  private Channel bindUdp(InetSocketAddress a) {
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NettyTransport.datagram())
            .option(ChannelOption.SO_RCVBUF, 4 << 20)
            .option(ChannelOption.SO_SNDBUF, 4 << 20)
            .handler(new UdpHandler(engine));
    if (NettyTransport.epoll()) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    return sync(b.bind(a), "udp", a);
  }

  private Channel bindTcp(InetSocketAddress a) {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NettyTransport.server())
            .option(ChannelOption.SO_BACKLOG, 256)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new IdleStateHandler(0, 0, TCP_IDLE_SECONDS, TimeUnit.SECONDS))
                        .addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                        .addLast(new LengthFieldPrepender(2))
                        .addLast(new TcpHandler(engine));
                  }
                });
    return sync(b.bind(a), "tcp", a);
  }

  private static Channel sync(io.netty.channel.ChannelFuture f, String proto, InetSocketAddress a) {
    f.awaitUninterruptibly();
    if (!f.isSuccess()) {
      Throwable c = f.cause();
      throw new DnsException(
          "dns: cannot listen on "
              + proto
              + " "
              + a.getAddress().getHostAddress()
              + " port "
              + a.getPort()
              + ": "
              + (c == null ? "unknown reason" : c.getMessage()),
          c);
    }
    return f.channel();
  }

  private QueryEngine.Snapshot snapshot(DnsConfig c) {
    List<DnsRecord> extra = new ArrayList<>();
    for (RecordSource s : sources) {
      extra.addAll(s.records());
    }
    Authority authority = Authority.build(c, extra, w -> LOG.warn("dns: {}", w));
    Optional<UpstreamForwarder> old = forwarder;
    forwarder =
        c.upstreams().isEmpty()
            ? Optional.empty()
            : Optional.of(
                old.filter(f -> f.sameSetup(c))
                    .orElseGet(() -> new UpstreamForwarder(c, counters, group)));
    old.filter(f -> forwarder.isEmpty() || forwarder.get() != f)
        .ifPresent(f -> f.closeLater(group));
    return QueryEngine.Snapshot.of(authority, forwarder.map(f -> f));
  }

  /**
   * Replaces zones, records, upstreams and TTL at once; queries in flight finish on the old data.
   * Listen addresses are kept (changing them needs a restart, which is logged).
   */
  public synchronized void reload(DnsConfig next) {
    if (!next.listen().equals(config.listen())) {
      LOG.warn("dns: listen addresses changed; they take effect at the next restart");
    }
    config = next.withListen(config.listen());
    if (engine != null && !closed) {
      engine.swap(snapshot(config));
      counters.inc(Counters.RELOADS);
      LOG.info("dns: reloaded ({} records)", config.records().size());
    }
  }

  private synchronized void refresh() {
    if (engine != null && !closed) {
      engine.swap(snapshot(config));
    }
  }

  /** The bound addresses, with real ports when the config said 0. */
  public synchronized List<InetSocketAddress> addresses() {
    return group == null ? config.listen() : List.copyOf(bound);
  }

  /** Queries, answers by RCODE, forwarded, cache hits, dropped, truncated, reloads. */
  public Map<String, Long> counters() {
    return counters.snapshot();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    subscriptions.forEach(RecordSource.Subscription::close);
    forwarder.ifPresent(UpstreamForwarder::close);
    for (Channel c : channels) {
      c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
  }
}
