package org.airgap.websrv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.airgap.websrv.http.ByteRange;
import org.airgap.websrv.http.Conditionals;
import org.airgap.websrv.http.EntityTag;
import org.airgap.websrv.http.HttpDates;
import org.airgap.websrv.http.MultipartByteranges;
import org.airgap.websrv.http.Outcome;
import org.airgap.websrv.http.Representation;
import org.airgap.websrv.http.RequestConditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET and HEAD of files under the root. Plain-HTTP bodies go out as {@link DefaultFileRegion}s
 * (sendfile) with TCP_CORK held for the whole response, so headers and the first file bytes share
 * segments; over TLS the same bytes go through {@link ChunkedNioFile}. One instance serves every
 * connection of a listener.
 */
@ChannelHandler.Sharable
final class StaticFileHandler extends SimpleChannelInboundHandler<HttpObject> {
  static final Logger ACCESS = LoggerFactory.getLogger("org.airgap.websrv.access");
  private static final Logger LOG = LoggerFactory.getLogger(StaticFileHandler.class);
  private static final int TLS_CHUNK = 64 * 1024;

  /** TCP_CORK per response (default on); {@code -Dairgap.websrv.tcp-cork=false} for comparisons. */
  private static final boolean CORK =
      Boolean.parseBoolean(System.getProperty("airgap.websrv.tcp-cork", "true"));

  private final SafePaths paths;
  private final WebServerConfig config;
  private final ServerCounters counters;
  private final boolean tls;

  StaticFileHandler(SafePaths paths, WebServerConfig config, ServerCounters counters, boolean tls) {
    this.paths = paths;
    this.config = config;
    this.counters = counters;
    this.tls = tls;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    counters.connections.increment();
    counters.openConnections.increment();
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    counters.openConnections.decrement();
    super.channelInactive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (!(msg instanceof HttpRequest req)) {
      return; // request bodies are ignored: GET and HEAD have none worth reading
    }
    long started = System.nanoTime();
    Exchange ex = new Exchange(ctx, req, started);
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      WebError e =
          cause instanceof TooLongHttpLineException
              ? WebError.URI_TOO_LONG
              : cause instanceof TooLongHttpHeaderException
                      || cause instanceof TooLongFrameException
                  ? WebError.HEADER_FIELDS_TOO_LARGE
                  : WebError.BAD_REQUEST;
      ex.keepAlive = false;
      sendError(ex, e, "malformed request");
      return;
    }
    try {
      serve(ex);
    } catch (WebErrorException e) {
      sendError(ex, e.error(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.warn("{} {}: {}", req.method(), req.uri(), e.toString());
      sendError(ex, WebError.INTERNAL_ERROR, "internal error");
    }
  }

  /** One request in flight. */
  private static final class Exchange {
    final ChannelHandlerContext ctx;
    final HttpRequest req;
    final long started;
    final boolean head;
    boolean keepAlive;

    Exchange(ChannelHandlerContext ctx, HttpRequest req, long started) {
      this.ctx = ctx;
      this.req = req;
      this.started = started;
      this.head = req.method().equals(HttpMethod.HEAD);
      this.keepAlive = HttpUtil.isKeepAlive(req);
    }
  }

  private void serve(Exchange ex) throws IOException {
    HttpMethod method = ex.req.method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      throw new WebErrorException(WebError.METHOD_NOT_ALLOWED, "only GET and HEAD");
    }
    SafePaths.Target t = paths.resolve(ex.req.uri());
    BasicFileAttributes a = t.attributes();
    if (a.isDirectory()) {
      serveDirectory(ex, t);
      return;
    }
    if (!a.isRegularFile()) {
      throw new WebErrorException(WebError.NOT_FOUND, "not a regular file");
    }
    if (t.trailingSlash()) {
      throw new WebErrorException(WebError.NOT_FOUND, "not a folder");
    }
    FileChannel fc = FileChannel.open(t.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    boolean handedOff = false;
    try {
      long length = fc.size();
      Representation rep =
          new Representation(
              length,
              EntityTag.forFile(
                  length, a.lastModifiedTime().toInstant(), Optional.ofNullable(a.fileKey())),
              a.lastModifiedTime().toInstant());
      RequestConditions rc =
          RequestConditions.from(
              method.name(), name -> Optional.ofNullable(ex.req.headers().get(name)));
      Outcome o = Conditionals.evaluate(rc, rep, config.maxRanges());
      String type = MimeTypes.of(t.file().getFileName().toString());
      switch (o.status()) {
        case NOT_MODIFIED -> {
          HttpResponse r = response(HttpResponseStatus.NOT_MODIFIED);
          validators(r, rep);
          finish(ex, r, List.of(), 0);
        }
        case PRECONDITION_FAILED -> sendError(ex, WebError.PRECONDITION_FAILED, "precondition");
        case RANGE_NOT_SATISFIABLE -> {
          FullHttpResponse r = errorResponse(WebError.RANGE_NOT_SATISFIABLE, ex.head);
          r.headers().set(HttpHeaderNames.CONTENT_RANGE, o.contentRange().orElseThrow());
          r.headers().set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
          finish(ex, r, List.of(), 0);
        }
        case OK, PARTIAL_CONTENT -> {
          handedOff = true;
          sendFile(ex, fc, t.file(), rep, o, type);
        }
      }
    } finally {
      if (!handedOff) {
        fc.close();
      }
    }
  }

  private void sendFile(
      Exchange ex, FileChannel fc, Path file, Representation rep, Outcome o, String type)
      throws IOException {
    HttpResponse r =
        response(
            o.status() == Outcome.Status.OK
                ? HttpResponseStatus.OK
                : HttpResponseStatus.PARTIAL_CONTENT);
    validators(r, rep);
    r.headers().set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
    List<Object> body = new ArrayList<>();
    long contentLength;
    if (o.multipart()) {
      MultipartByteranges mp =
          new MultipartByteranges(
              MultipartByteranges.randomBoundary(), type, rep.length(), o.ranges());
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, mp.contentType());
      contentLength = mp.contentLength();
      if (!ex.head) {
        try {
          for (int i = 0; i < o.ranges().size(); i++) {
            body.add(new DefaultHttpContent(ascii(mp.partHeader(i))));
            FileChannel part =
                i == 0
                    ? fc
                    : FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            body.add(region(part, o.ranges().get(i)));
          }
        } catch (IOException e) {
          body.forEach(StaticFileHandler::release);
          throw e;
        }
        body.add(new DefaultLastHttpContent(ascii(mp.closing())));
      } else {
        fc.close();
      }
    } else {
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      ByteRange range =
          o.status() == Outcome.Status.OK
              ? new ByteRange(0, Math.max(0, rep.length() - 1))
              : o.ranges().get(0);
      o.contentRange().ifPresent(cr -> r.headers().set(HttpHeaderNames.CONTENT_RANGE, cr));
      contentLength = o.contentLength();
      if (!ex.head && contentLength > 0) {
        body.add(region(fc, range));
      } else {
        fc.close();
      }
    }
    HttpUtil.setContentLength(r, contentLength);
    finish(ex, r, body, ex.head ? 0 : contentLength);
  }

  private Object region(FileChannel fc, ByteRange range) throws IOException {
    if (tls) {
      return new ChunkedNioFile(fc, range.first(), range.length(), TLS_CHUNK);
    }
    return new DefaultFileRegion(fc, range.first(), range.length());
  }

  private void serveDirectory(Exchange ex, SafePaths.Target t) throws IOException {
    if (!config.directoryIndex()) {
      throw new WebErrorException(WebError.NOT_FOUND, "directory listing is off");
    }
    if (!t.trailingSlash() && !t.urlPath().equals("/")) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY, Unpooled.EMPTY_BUFFER);
      String raw = ex.req.uri();
      int q = raw.indexOf('?');
      String location = (q < 0 ? raw : raw.substring(0, q)) + "/";
      if (location.startsWith("/")) {
        r.headers().set(HttpHeaderNames.LOCATION, location);
      } else {
        r.headers().set(HttpHeaderNames.LOCATION, t.urlPath() + "/");
      }
      HttpUtil.setContentLength(r, 0);
      finish(ex, r, List.of(), 0);
      return;
    }
    byte[] html = DirectoryIndex.render(t.urlPath(), t.file()).getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            ex.head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(html));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    HttpUtil.setContentLength(r, html.length);
    finish(ex, r, List.of(), ex.head ? 0 : html.length);
  }

  private void sendError(Exchange ex, WebError e, String detail) {
    FullHttpResponse r = errorResponse(e, ex.head);
    if (e == WebError.METHOD_NOT_ALLOWED) {
      r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    }
    if (e.status() >= 500 || e == WebError.BAD_REQUEST) {
      ex.keepAlive = ex.keepAlive && e.status() < 500;
    }
    finish(ex, r, List.of(), 0);
  }

  private static FullHttpResponse errorResponse(WebError e, boolean head) {
    byte[] text = (e.status() + " " + e.reason() + "\n").getBytes(StandardCharsets.US_ASCII);
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(e.status(), e.reason()),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(text));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    HttpUtil.setContentLength(r, text.length);
    return r;
  }

  private static HttpResponse response(HttpResponseStatus status) {
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
  }

  private static void validators(HttpResponse r, Representation rep) {
    r.headers().set(HttpHeaderNames.ETAG, rep.etag().toString());
    r.headers().set(HttpHeaderNames.LAST_MODIFIED, HttpDates.format(rep.lastModified()));
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static void release(Object o) {
    if (o instanceof io.netty.util.ReferenceCounted rc) {
      rc.release();
    } else if (o instanceof ChunkedNioFile f) {
      try {
        f.close();
      } catch (Exception e) {
        // closing a file we only read
      }
    }
  }

  /**
   * Writes the response head and body parts, corked on epoll so the head and the first file bytes
   * leave together; on completion uncorks, logs one access line, counts, and closes the connection
   * unless it is kept alive.
   */
  private void finish(Exchange ex, HttpResponse r, List<Object> body, long bodyBytes) {
    ChannelHandlerContext ctx = ex.ctx;
    r.headers().set(HttpHeaderNames.SERVER, "airgap");
    r.headers().set(HttpHeaderNames.DATE, HttpDates.format(java.time.Instant.now()));
    if (ex.keepAlive) {
      HttpUtil.setKeepAlive(r, true);
    } else {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    boolean cork = CORK && !tls && ctx.channel() instanceof EpollSocketChannel;
    if (cork) {
      ctx.channel().config().setOption(EpollChannelOption.TCP_CORK, true);
    }
    List<DefaultFileRegion> regions = new ArrayList<>();
    List<Object> messages = new ArrayList<>(body.size() + 2);
    messages.add(r);
    messages.addAll(body);
    if (!(messages.get(messages.size() - 1) instanceof LastHttpContent)) {
      messages.add(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    ChannelFuture done = null;
    for (Object m : messages) {
      if (m instanceof DefaultFileRegion region) {
        regions.add(region);
      }
      done = ctx.write(m);
    }
    ctx.flush();
    int status = r.status().code();
    done.addListener(
        (ChannelFutureListener)
            f -> {
              if (cork && f.channel().isOpen()) {
                try {
                  f.channel().config().setOption(EpollChannelOption.TCP_CORK, false);
                } catch (RuntimeException e) {
                  // the socket went away between the check and the call
                }
              }
              boolean ok = f.isSuccess();
              long sent =
                  ok ? bodyBytes : regions.stream().mapToLong(DefaultFileRegion::transferred).sum();
              counters.response(status, sent, ok);
              long micros = (System.nanoTime() - ex.started) / 1000;
              ACCESS.info(
                  "{} \"{} {} {}\" {} {} {}ms{}",
                  client(f.channel().remoteAddress()),
                  ex.req.method(),
                  ex.req.uri(),
                  ex.req.protocolVersion(),
                  status,
                  sent,
                  micros / 1000.0,
                  ok ? "" : " aborted");
              if (!ok || !ex.keepAlive) {
                f.channel().close();
              }
            });
  }

  static String client(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      // RFC 5952's compressed form (2001:db8::1), as other servers log IPv6 clients
      String host =
          i.getAddress() == null
              ? i.getHostString()
              : io.netty.util.NetUtil.toAddressString(i.getAddress(), false);
      int pct = host.indexOf('%');
      if (pct >= 0) {
        host = host.substring(0, pct);
      }
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      LOG.debug("connection {}: {}", client(ctx.channel().remoteAddress()), cause.toString());
    }
    ctx.close();
  }
}
