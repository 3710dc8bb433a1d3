package io.squall.bench.hello;

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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The Netty peer of {@link HelloServerCommand}: {@code GET /hello} answers {@code Hello, world} with
 * keep-alive, on N NIO event loops that both accept and serve (as Squall's loops do), with the same response
 * headers as Squall's. Written the way Netty's own hello-world example is structured: write in
 * channelRead, flush in channelReadComplete.
 */
public final class NettyHelloServer implements AutoCloseable {
    private static final byte[] BODY = HelloHandler.BODY.getBytes(StandardCharsets.US_ASCII);
    private final EventLoopGroup group;
    private final Channel channel;

    /**
     * Starts the server on 127.0.0.1.
     *
     * @param port the port, 0 for a free one
     * @param loops the number of event loops
     * @throws InterruptedException if interrupted while binding
     */
    public NettyHelloServer(int port, int loops) throws InterruptedException {
        this(port, loops, null);
    }

    /**
     * Netty's TLS context on the JDK provider ({@code SslProvider.JDK}, no OpenSSL), with the protocols and
     * cipher suites Squall's server enables by default, so both negotiate the same suite with a client.
     *
     * @param chain PEM certificate chain
     * @param key PEM PKCS#8 private key
     * @return the context
     * @throws javax.net.ssl.SSLException if the files cannot be used
     */
    public static SslContext jdkSslContext(java.io.File chain, java.io.File key) throws javax.net.ssl.SSLException {
        return SslContextBuilder.forServer(chain, key).sslProvider(SslProvider.JDK)
                .protocols(io.squall.net.TLS.DEFAULT_PROTOCOLS)
                .ciphers(io.squall.net.TLS.DEFAULT_CIPHER_SUITES)
                .build();
    }

    /**
     * Starts the server on 127.0.0.1, serving HTTPS through an {@code SslHandler} when {@code ssl} is given.
     *
     * @param port the port, 0 for a free one
     * @param loops the number of event loops
     * @param ssl the TLS context, or null for plain HTTP
     * @throws InterruptedException if interrupted while binding
     */
    public NettyHelloServer(int port, int loops, SslContext ssl) throws InterruptedException {
        group = new NioEventLoopGroup(loops);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new HttpServerCodec(), new Hello());
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

    /** Closes the listening channel and shuts the loops down. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
    }

    private static final CachedDate DATE = new CachedDate();

    /** The HTTP Date header, formatted once per second (as servers do). */
    private static final class CachedDate {
        private static final java.time.format.DateTimeFormatter HTTP_DATE = java.time.format.DateTimeFormatter
                .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);
        private volatile long second = -1;
        private volatile String value;

        String now() {
            long s = System.currentTimeMillis() / 1000;
            if (s != second) {
                value = HTTP_DATE.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
                second = s;
            }
            return value;
        }
    }

    /** Answers every request; 404 for paths other than /hello. */
    private static final class Hello extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    HttpRequest req = (HttpRequest) msg;
                    boolean hello = req.uri().equals("/hello");
                    ByteBuf content = hello ? Unpooled.wrappedBuffer(BODY) : Unpooled.EMPTY_BUFFER;
                    FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(),
                            hello ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, content);
                    // The same headers as Squall's reply (Content-Type, Content-Length, Date, Server), so both
                    // servers send responses of the same shape and size.
                    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8")
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                            .set(HttpHeaderNames.DATE, DATE.now())
                            .set(HttpHeaderNames.SERVER, "Netty/4.1");
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    if (keepAlive) {
                        if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                        }
                        ctx.write(res);
                    } else {
                        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                        ctx.write(res).addListener(ChannelFutureListener.CLOSE);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
