package org.airgap.websrv;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The pipeline of one connection: [TLS], HTTP codec, idle timeout, [chunked writes], files. */
final class WebServerInitializer extends ChannelInitializer<SocketChannel> {
  private final Optional<SslContext> ssl;
  private final StaticFileHandler handler;
  private final long idleMillis;

  WebServerInitializer(Optional<SslContext> ssl, StaticFileHandler handler, long idleMillis) {
    this.ssl = ssl;
    this.handler = handler;
    this.idleMillis = idleMillis;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    ssl.ifPresent(s -> p.addLast("tls", s.newHandler(ch.alloc())));
    p.addLast("http", new HttpServerCodec(4096, 16384, 8192));
    // observeOutput: a slow reader that still makes progress is not idle
    p.addLast("idle", new IdleStateHandler(true, 0, 0, idleMillis, TimeUnit.MILLISECONDS));
    p.addLast("idle-close", new IdleCloser());
    if (ssl.isPresent()) {
      p.addLast("chunked", new ChunkedWriteHandler());
    }
    p.addLast("files", handler);
  }

  /** Closes a connection that the idle handler reports. */
  static final class IdleCloser extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt)
        throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }
  }
}
