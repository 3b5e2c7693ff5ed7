package org.airgap.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 7766): length-prefixed messages, several pipelined on one connection; answers
 * go out as they are ready (forwarded ones may overtake local ones). Idle connections are closed.
 */
final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private static final Logger LOG = LoggerFactory.getLogger(TcpHandler.class);
  private final QueryEngine engine;

  TcpHandler(QueryEngine engine) {
    this.engine = engine;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    ByteBuf out =
        engine.handle(
            frame,
            true,
            ctx.alloc(),
            late -> {
              if (ctx.channel().isActive()) {
                ctx.channel().writeAndFlush(late);
              } else {
                late.release();
              }
            });
    if (out != null) {
      ctx.write(out, ctx.voidPromise());
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("tcp {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
