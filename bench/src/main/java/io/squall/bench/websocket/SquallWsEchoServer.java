package io.squall.bench.websocket;

import java.util.concurrent.CountDownLatch;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.websocket.WebSocketHandler;

/** Squall's side of the WebSocket echo benchmark: one {@link WebSocketHandler}, one loop on its own thread. */
final class SquallWsEchoServer implements AutoCloseable {
    /** Echoes every message; the next one is read once the echo is flushed. */
    public static final class Echo extends WebSocketHandler {
        @Override
        public Future<?> onMessage(String message) {
            return writeMessage(message);
        }

        @Override
        public Future<?> onMessage(byte[] message) {
            return writeMessage(message);
        }
    }

    private final Thread thread;
    private volatile IOLoop loop;
    private volatile HTTPServer server;

    SquallWsEchoServer() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        thread = new Thread(() -> {
            loop = new IOLoop();
            loop.makeCurrent();
            server = new Application().addHandler("/echo", Echo.class).listen(0, "127.0.0.1");
            started.countDown();
            loop.start();
            loop.close();
        }, "squall-ws-echo");
        thread.start();
        started.await();
    }

    int port() {
        return server.port();
    }

    Thread loopThread() {
        return thread;
    }

    @Override
    public void close() throws InterruptedException {
        loop.addCallback(() -> {
            server.stop();
            loop.stop();
        });
        thread.join(10_000);
    }
}
