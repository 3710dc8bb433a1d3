package io.squall.bench.seed;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The seed's servers written for Netty 4.1, the peer of {@link SeedServers}' echo server and async handler:
 * an echo server that reads a line and writes it back after the delay ({@code ctx.executor().schedule}), and
 * an HTTP server whose {@code GET /} connects to it from the request's own event loop, sends the seed's line
 * and answers with the echo. Each server has its own one-thread event loop group, as Squall's seed servers
 * each have their own loop; both bind 127.0.0.1.
 */
public final class NettySeedServer implements AutoCloseable {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private final EventLoopGroup echoGroup = new NioEventLoopGroup(1);
    private final EventLoopGroup httpGroup = new NioEventLoopGroup(1);
    private final Channel echoChannel;
    private final Channel httpChannel;

    /**
     * Starts both servers.
     *
     * @param echoPort the echo server's port, 0 for a free one
     * @param httpPort the HTTP server's port, 0 for a free one
     * @param delay the echo delay
     * @param backlog the listen backlog of both
     * @throws InterruptedException if interrupted while binding
     */
    public NettySeedServer(int echoPort, int httpPort, Duration delay, int backlog) throws InterruptedException {
        try {
            echoChannel = new ServerBootstrap().group(echoGroup).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, backlog)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LineBasedFrameDecoder(SeedClient.MAX_REPLY, false, true),
                                    new Echo(delay));
                        }
                    }).bind("127.0.0.1", echoPort).sync().channel();
            InetSocketAddress echo = (InetSocketAddress) echoChannel.localAddress();
            httpChannel = new ServerBootstrap().group(httpGroup).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, backlog)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new Handler(echo));
                        }
                    }).bind("127.0.0.1", httpPort).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            echoGroup.shutdownGracefully();
            httpGroup.shutdownGracefully();
            throw e;
        }
    }

    /** @return the echo server's port */
    public int echoPort() {
        return ((InetSocketAddress) echoChannel.localAddress()).getPort();
    }

    /** @return the HTTP server's port */
    public int port() {
        return ((InetSocketAddress) httpChannel.localAddress()).getPort();
    }

    /** Closes the listening channels and shuts both groups down. */
    @Override
    public void close() {
        httpChannel.close().syncUninterruptibly();
        echoChannel.close().syncUninterruptibly();
        httpGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        echoGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Writes each line back after the delay, then closes (the seed's echo server). */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final long delayNanos;

        Echo(Duration delay) {
            this.delayNanos = delay.toNanos();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf line = (ByteBuf) msg;
            ctx.executor().schedule(() -> ctx.writeAndFlush(line).addListener(ChannelFutureListener.CLOSE),
                    delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** GET /: asks the echo server from this event loop and answers with its reply. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress echo;

        Handler(InetSocketAddress echo) {
            this.echo = echo;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    HttpRequest req = (HttpRequest) msg;
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    HttpVersion version = req.protocolVersion();
                    new Bootstrap().group(ctx.channel().eventLoop()).channel(NioSocketChannel.class)
                            .handler(new ChannelInitializer<SocketChannel>() {
                                @Override
                                protected void initChannel(SocketChannel ch) {
                                    ch.pipeline().addLast(new LineBasedFrameDecoder(SeedClient.MAX_REPLY, false, true),
                                            new EchoClient(ctx, version, keepAlive));
                                }
                            }).connect(echo).addListener((ChannelFutureListener) f -> {
                                if (!f.isSuccess()) {
                                    respond(ctx, version, keepAlive, HttpResponseStatus.BAD_GATEWAY, Unpooled.EMPTY_BUFFER);
                                }
                            });
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The handler's connection to the echo server: sends the line, relays the reply. */
    private static final class EchoClient extends ChannelInboundHandlerAdapter {
        private final ChannelHandlerContext http;
        private final HttpVersion version;
        private final boolean keepAlive;

        EchoClient(ChannelHandlerContext http, HttpVersion version, boolean keepAlive) {
            this.http = http;
            this.version = version;
            this.keepAlive = keepAlive;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(SeedClient.MESSAGE_BYTES));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.close();
            respond(http, version, keepAlive, HttpResponseStatus.OK, (ByteBuf) msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
            respond(http, version, keepAlive, HttpResponseStatus.BAD_GATEWAY, Unpooled.EMPTY_BUFFER);
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
            HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse res = new DefaultFullHttpResponse(version, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.DATE, HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .set(HttpHeaderNames.SERVER, "Netty/4.1");
        if (keepAlive) {
            if (version.equals(HttpVersion.HTTP_1_0)) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
