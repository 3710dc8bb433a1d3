package io.squall.bench.c10k;

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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The Netty 4.1 peer of {@link SleepServerCommand}: one NIO event loop that accepts and serves; {@code GET
 * /sleep} schedules its answer on the channel's executor ({@code ctx.executor().schedule}) after the delay,
 * as a Netty user writes a non-blocking wait. Same reply shape as Squall's (Content-Type, Content-Length,
 * Date, Server).
 */
public final class NettySleepServer implements AutoCloseable {
    private static final byte[] BODY = SleepHandler.BODY.getBytes(StandardCharsets.US_ASCII);
    private final EventLoopGroup group;
    private final Channel channel;

    /**
     * Starts the server on 127.0.0.1 with one event loop.
     *
     * @param port the port, 0 for a free one
     * @param delayMillis how long each request waits before its answer
     * @throws InterruptedException if interrupted while binding
     */
    public NettySleepServer(int port, long delayMillis) throws InterruptedException {
        group = new NioEventLoopGroup(1);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new Sleep(delayMillis));
                        }
                    });
            channel = b.bind("127.0.0.1", port).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    /** @return the bound port */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Closes the listening channel and shuts the loop down. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers every request after the delay; 404 for paths other than /sleep. */
    private static final class Sleep extends ChannelInboundHandlerAdapter {
        private static final java.time.format.DateTimeFormatter HTTP_DATE = java.time.format.DateTimeFormatter
                .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);
        private final long delayMillis;

        Sleep(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    HttpRequest req = (HttpRequest) msg;
                    boolean sleep = req.uri().equals("/sleep");
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    HttpVersion version = req.protocolVersion();
                    ctx.executor().schedule(() -> answer(ctx, sleep, keepAlive, version),
                            sleep ? delayMillis : 0, TimeUnit.MILLISECONDS);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private static void answer(ChannelHandlerContext ctx, boolean sleep, boolean keepAlive, HttpVersion version) {
            ByteBuf content = sleep ? Unpooled.wrappedBuffer(BODY) : Unpooled.EMPTY_BUFFER;
            FullHttpResponse res = new DefaultFullHttpResponse(version,
                    sleep ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, content);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                    .set(HttpHeaderNames.DATE, HTTP_DATE.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)))
                    .set(HttpHeaderNames.SERVER, "Netty/4.1");
            if (keepAlive) {
                if (version.equals(HttpVersion.HTTP_1_0)) {
                    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.writeAndFlush(res);
            } else {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
