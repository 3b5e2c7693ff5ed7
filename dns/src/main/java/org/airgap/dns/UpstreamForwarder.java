package org.airgap.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Forwards questions to the configured upstreams with a Netty client: UDP first (one connected
 * socket per upstream, random ids, answers checked against the question), the same upstream over
 * TCP when the answer comes back truncated, the next upstream on timeout, SERVFAIL or REFUSED. A
 * small cache keeps answers for their TTL and negative answers for their SOA minimum (RFC 2308).
 */
final class UpstreamForwarder implements Forwarder {
  private static final long MAX_TTL = 86_400;
  private static final long MAX_NEGATIVE_TTL = 3_600;

  private final List<Upstream> upstreams;
  private final long timeoutMillis;
  private final int cacheSize;
  private final Counters counters;
  private final EventLoopGroup group;
  private final Map<InetSocketAddress, Link> links = new ConcurrentHashMap<>();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private record Cached(Message message, long storedNanos, long ttlSeconds) {}

  UpstreamForwarder(DnsConfig c, Counters counters, EventLoopGroup group) {
    this.upstreams = c.upstreams();
    this.timeoutMillis = c.upstreamTimeout().toMillis();
    this.cacheSize = c.cacheSize();
    this.counters = counters;
    this.group = group;
  }

  /** Whether this forwarder serves {@code c} as it is (so a reload can keep its cache). */
  boolean sameSetup(DnsConfig c) {
    return c.upstreams().equals(upstreams)
        && c.upstreamTimeout().toMillis() == timeoutMillis
        && c.cacheSize() == cacheSize;
  }

  @Override
  public boolean handles(Name name) {
    return !select(name).isEmpty();
  }

  /** dnsmasq's rule: the upstreams of the most specific matching domain, else the default ones. */
  List<InetSocketAddress> select(Name name) {
    String n = lower(name);
    int best = -1;
    List<InetSocketAddress> out = new ArrayList<>();
    for (Upstream u : upstreams) {
      int score = u.domains().isEmpty() ? 0 : -1;
      for (String d : u.domains()) {
        if (Names.isUnder(n, d)) {
          score = Math.max(score, d.length() + 1);
        }
      }
      if (score > best) {
        best = score;
        out.clear();
      }
      if (score == best && score >= 0) {
        out.add(u.address());
      }
    }
    return out;
  }

  private static String lower(Name name) {
    String s = name.toString(true).toLowerCase(Locale.ROOT);
    return s.isEmpty() ? "." : s;
  }

  @Override
  public void forward(Record question, Consumer<Optional<Message>> done) {
    String key = lower(question.getName()) + "/" + question.getType();
    Cached c = cache.get(key);
    if (c != null) {
      long age = (System.nanoTime() - c.storedNanos()) / 1_000_000_000L;
      if (age < c.ttlSeconds()) {
        counters.inc(Counters.CACHE_HITS);
        done.accept(Optional.of(aged(c.message(), age)));
        return;
      }
      cache.remove(key, c);
    }
    new Attempt(question, select(question.getName()), key, done).next();
  }

  /** One forwarded question walking the upstream list. */
  private final class Attempt {
    final Record question;
    final List<InetSocketAddress> targets;
    final String key;
    final Consumer<Optional<Message>> done;
    final AtomicBoolean finished = new AtomicBoolean();
    int index = -1;

    Attempt(
        Record question,
        List<InetSocketAddress> targets,
        String key,
        Consumer<Optional<Message>> done) {
      this.question = question;
      this.targets = targets;
      this.key = key;
      this.done = done;
    }

    synchronized void next() {
      index++;
      if (closed.get() || index >= targets.size()) {
        finish(Optional.empty());
        return;
      }
      InetSocketAddress target = targets.get(index);
      link(target).ask(this, question);
    }

    void answered(InetSocketAddress from, Message m, boolean viaTcp) {
      if (m.getHeader().getFlag(Flags.TC) && !viaTcp) {
        counters.inc(Counters.FORWARD_TCP_RETRIES);
        askTcp(from, this);
        return;
      }
      int rcode = m.getRcode();
      if (rcode == Rcode.SERVFAIL.value() || rcode == Rcode.REFUSED.value()) {
        next();
        return;
      }
      store(key, m);
      finish(Optional.of(m));
    }

    void failed() {
      counters.inc(Counters.FORWARD_TIMEOUTS);
      next();
    }

    void finish(Optional<Message> m) {
      if (finished.compareAndSet(false, true)) {
        done.accept(m);
      }
    }
  }

  private Link link(InetSocketAddress target) {
    return links.computeIfAbsent(target, Link::new);
  }

  /** A connected UDP socket to one upstream and the questions waiting on it. */
  private final class Link {
    final InetSocketAddress target;
    final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    volatile ChannelFuture channel;

    record Pending(Attempt attempt, Record question, ScheduledFuture<?> timer) {}

    Link(InetSocketAddress target) {
      this.target = target;
    }

    synchronized ChannelFuture channel() {
      if (channel == null || (channel.isDone() && !channel.channel().isOpen())) {
        Bootstrap b =
            new Bootstrap()
                .group(group)
                .channel(NettyTransport.datagram())
                .handler(
                    new SimpleChannelInboundHandler<DatagramPacket>() {
                      @Override
                      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        received(p.content());
                      }

                      @Override
                      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // ICMP port unreachable on a connected socket: let the timers fail over.
                      }
                    });
        channel = b.connect(target);
      }
      return channel;
    }

    void ask(Attempt attempt, Record question) {
      int id;
      do {
        id = ThreadLocalRandom.current().nextInt(0x10000);
      } while (pending.containsKey(id));
      int qid = id;
      ScheduledFuture<?> timer =
          group
              .next()
              .schedule(
                  () -> {
                    Pending p = pending.remove(qid);
                    if (p != null) {
                      p.attempt().failed();
                    }
                  },
                  timeoutMillis,
                  TimeUnit.MILLISECONDS);
      pending.put(id, new Pending(attempt, question, timer));
      byte[] wire = query(question, id);
      channel()
          .addListener(
              (ChannelFuture f) -> {
                if (f.isSuccess()) {
                  f.channel().writeAndFlush(Unpooled.wrappedBuffer(wire));
                } else {
                  Pending p = pending.remove(qid);
                  if (p != null) {
                    p.timer().cancel(false);
                    p.attempt().failed();
                  }
                }
              });
    }

    void received(ByteBuf content) {
      Message m;
      try {
        m = new Message(ByteBufUtil.getBytes(content));
      } catch (Exception e) {
        return;
      }
      Pending p = pending.get(m.getHeader().getID());
      if (p == null || !m.getHeader().getFlag(Flags.QR) || !sameQuestion(p.question(), m)) {
        return;
      }
      if (pending.remove(m.getHeader().getID(), p)) {
        p.timer().cancel(false);
        p.attempt().answered(target, m, false);
      }
    }

    void close() {
      ChannelFuture f = channel;
      if (f != null) {
        f.channel().close();
      }
      pending.values().forEach(p -> p.timer().cancel(false));
    }
  }

  private static boolean sameQuestion(Record q, Message m) {
    Record a = m.getQuestion();
    return a != null
        && a.getName().equals(q.getName())
        && a.getType() == q.getType()
        && a.getDClass() == q.getDClass();
  }

  private static byte[] query(Record question, int id) {
    Message q = new Message(id);
    q.getHeader().setFlag(Flags.RD);
    q.addRecord(question, Section.QUESTION);
    q.addRecord(new OPTRecord(QueryEngine.EDNS_SIZE, 0, 0, 0), Section.ADDITIONAL);
    return q.toWire();
  }

  /** Asks {@code target} over TCP, one connection per question (rare: only after TC). */
  private void askTcp(InetSocketAddress target, Attempt attempt) {
    int id = ThreadLocalRandom.current().nextInt(0x10000);
    AtomicBoolean over = new AtomicBoolean();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NettyTransport.socket())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                        .addLast(new LengthFieldPrepender(2))
                        .addLast(
                            new SimpleChannelInboundHandler<ByteBuf>() {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, ByteBuf f) {
                                Message m;
                                try {
                                  m = new Message(ByteBufUtil.getBytes(f));
                                } catch (Exception e) {
                                  return;
                                }
                                if (m.getHeader().getID() == id
                                    && sameQuestion(attempt.question, m)
                                    && over.compareAndSet(false, true)) {
                                  ctx.close();
                                  attempt.answered(target, m, true);
                                }
                              }

                              @Override
                              public void channelInactive(ChannelHandlerContext ctx) {
                                if (over.compareAndSet(false, true)) {
                                  attempt.failed();
                                }
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                ctx.close();
                              }
                            });
                  }
                });
    ChannelFuture f = b.connect(target);
    f.addListener(
        (ChannelFuture cf) -> {
          if (cf.isSuccess()) {
            cf.channel().writeAndFlush(Unpooled.wrappedBuffer(query(attempt.question, id)));
            cf.channel()
                .eventLoop()
                .schedule(() -> cf.channel().close(), timeoutMillis, TimeUnit.MILLISECONDS);
          } else if (over.compareAndSet(false, true)) {
            attempt.failed();
          }
        });
  }

  private void store(String key, Message m) {
    if (cacheSize == 0) {
      return;
    }
    int rcode = m.getRcode();
    long ttl = Long.MAX_VALUE;
    List<Record> answers = m.getSection(Section.ANSWER);
    if (rcode == Rcode.NOERROR.value() && !answers.isEmpty()) {
      for (Record r : answers) {
        ttl = Math.min(ttl, r.getTTL());
      }
      ttl = Math.min(ttl, MAX_TTL);
    } else if (rcode == Rcode.NXDOMAIN.value() || rcode == Rcode.NOERROR.value()) {
      ttl = -1;
      for (Record r : m.getSection(Section.AUTHORITY)) {
        if (r instanceof SOARecord soa) {
          ttl = Math.min(Math.min(soa.getTTL(), soa.getMinimum()), MAX_NEGATIVE_TTL);
        }
      }
    } else {
      return;
    }
    if (ttl <= 0) {
      return;
    }
    if (cache.size() >= cacheSize) {
      cache.clear();
    }
    cache.put(key, new Cached(m, System.nanoTime(), ttl));
  }

  /** The cached message with every TTL lowered by {@code age} seconds. */
  private static Message aged(Message m, long age) {
    Message out = new Message(m.getHeader().getID());
    out.getHeader().setRcode(m.getRcode());
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : m.getSection(s)) {
        if (r.getType() == Type.OPT) {
          continue;
        }
        long ttl = Math.max(0, r.getTTL() - age);
        out.addRecord(
            Record.newRecord(
                r.getName(), r.getType(), r.getDClass(), ttl, r.rdataToWireCanonical()),
            s);
      }
    }
    return out;
  }

  /** Closes the sockets after the queries in flight had their chance (used on reload). */
  void closeLater(EventLoopGroup g) {
    g.next().schedule(this::close, timeoutMillis * 2, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      links.values().forEach(Link::close);
    }
  }
}
