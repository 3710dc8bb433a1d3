package io.squall.bench.websocket;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The Netty peer of the WebSocket echo benchmark, structured as Netty's own WebSocket server example
 * ({@code HttpServerCodec}, {@code HttpObjectAggregator}, {@code WebSocketServerProtocolHandler}, a frame
 * handler): echoes each text message as a new text frame (decoding and re-encoding the text, as Squall's
 * handler does) and each binary message as is; writes in channelRead, flushes in channelReadComplete.
 * One event loop, on a thread whose CPU time the benchmark reads.
 */
final class NettyWsEchoServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private volatile Thread loopThread;

    NettyWsEchoServer() throws InterruptedException {
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "netty-ws-echo");
            loopThread = t;
            return t;
        };
        group = new NioEventLoopGroup(1, threads);
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/echo", null, false, 10 * 1024 * 1024),
                                    new Echo());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** @return the event loop's thread (null until it has started) */
    Thread loopThread() {
        return loopThread;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
    }

    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame) {
                ctx.write(new TextWebSocketFrame(((TextWebSocketFrame) frame).text()));
            } else if (frame instanceof BinaryWebSocketFrame) {
                ctx.write(frame.retain());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
