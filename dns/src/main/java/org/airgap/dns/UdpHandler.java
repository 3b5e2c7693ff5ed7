package org.airgap.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DNS over UDP: one datagram in, at most one out; writes are flushed once per read batch. */
@Sharable
final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger LOG = LoggerFactory.getLogger(UdpHandler.class);
  private final QueryEngine engine;

  UdpHandler(QueryEngine engine) {
    this.engine = engine;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    InetSocketAddress sender = packet.sender();
    ByteBuf out =
        engine.handle(
            packet.content(),
            false,
            ctx.alloc(),
            late -> ctx.channel().writeAndFlush(new DatagramPacket(late, sender)));
    if (out != null) {
      ctx.write(new DatagramPacket(out, sender), ctx.voidPromise());
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A datagram socket stays open whatever one packet did (ICMP errors arrive here too).
    LOG.debug("udp: {}", cause.toString());
  }
}
