package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.net.IOStream;
import io.squall.net.TCPClient;
import io.squall.net.TCPServer;
import io.squall.websocket.WebSocket;
import io.squall.websocket.WebSocketClientConnection;
import io.squall.websocket.WebSocketHandler;

/**
 * Issue 13 item 1 (what remained): the client side of the network API called from a pool thread. What needs the
 * calling thread's loop ({@code TCPClient.connect}, {@code new AsyncHTTPClient()}, {@code AsyncHTTPClient.shared()},
 * {@code WebSocket.connect}) is refused on a worker without a loop; what would race with the loop (stream reads,
 * {@code setCloseCallback}, {@code AsyncHTTPClient.close}, a WebSocket client's {@code readMessage}) is refused naming
 * both threads; what hands itself to the loop ({@code IOStream.write}/{@code close}, {@code fetch}, WebSocket
 * {@code writeMessage}) keeps working from any thread. Real sockets on 127.0.0.1.
 */
@Timeout(60)
class OffLoopNetTest {

    private final IOLoop loop = new IOLoop();
    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "net-pool"));
    private final String me = Thread.currentThread().getName();

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        loop.close();
    }

    /** Echoes lines. */
    static final class EchoServer extends TCPServer {
        @Coroutine
        @Override
        protected Future<?> handleStream(IOStream stream, InetSocketAddress address) {
            while (true) {
                byte[] line = await(stream.readUntil(new byte[] {'\n'}));
                await(stream.write(line));
            }
        }
    }

    /** Says hello. */
    public static class HelloHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("hello");
            return null;
        }
    }

    /** Remembers the open connection, for a worker thread to write to. */
    public static class NewsHandler extends WebSocketHandler {
        static final Future<NewsHandler> OPENED = new Future<>();

        @Override
        public Future<?> open(String... args) {
            OPENED.trySetResult(this);
            return null;
        }
    }

    /** Runs {@code task} on the pool thread while the loop runs, returning its value or what it threw. */
    private Object onPool(Callable<Object> task) {
        return loop.runSync(() -> loop.runInExecutor(pool, () -> {
            try {
                return task.call();
            } catch (IllegalStateException refused) {
                return refused;
            }
        }), Duration.ofSeconds(20));
    }

    private static String refusal(Object outcome) {
        return assertInstanceOf(IllegalStateException.class, outcome).getMessage();
    }

    @Coroutine
    static Future<String> echo(IOStream stream, String line) {
        await(stream.write(line.getBytes(StandardCharsets.UTF_8)));
        return Future.of(new String(await(stream.readUntil(new byte[] {'\n'})), StandardCharsets.UTF_8));
    }

    @Test
    void tcpClientAndStreamsFromAPoolThread() {
        loop.makeCurrent();
        EchoServer server = new EchoServer();
        server.listen(0, "127.0.0.1");
        int port = server.port();
        try {
            String m = refusal(onPool(() -> new TCPClient().connect("127.0.0.1", port)));
            assertTrue(m.startsWith("TCPClient.connect() was called on thread 'net-pool', a runInExecutor worker of"
                    + " the IOLoop of thread '" + me + "', which has no IOLoop of its own: it needs this thread's current"
                    + " loop, and would schedule on a new one that nobody runs, and never complete."), m);
            assertTrue(m.contains("hand the work to the loop with loop.addCallback(() -> ...)"), m);

            // The fix: connect on the loop.
            IOStream stream = loop.runSync(() -> new TCPClient().connect("127.0.0.1", port), Duration.ofSeconds(10));
            String r = refusal(onPool(() -> stream.readUntil(new byte[] {'\n'})));
            assertEquals("IOStream.readUntil(\"\\n\", maxBytes=" + stream.maxBufferSize() + ") on " + stream
                    + " was called on thread 'net-pool', but it belongs to IOLoop(" + me + ", running) and is not"
                    + " thread-safe (this would race with the loop). Call it on the loop's thread: from another thread,"
                    + " hand it over with loop.addCallback(() -> ...) (safe from any thread); a stream is read by a"
                    + " coroutine (or callback) on its loop: await the read there, and move only the blocking work to a"
                    + " pool with await(loop.runInExecutor(...))", r);
            assertTrue(refusal(onPool(() -> {
                stream.setCloseCallback(() -> { });
                return "set";
            })).startsWith("IOStream.setCloseCallback() on " + stream + " was called on thread 'net-pool', but it"
                    + " belongs to IOLoop(" + me + ", running)"));

            // Legal from any thread: write (handed to the loop), and the read on the loop sees the echo.
            byte[] line = loop.runSync(() -> {
                Future<byte[]> read = stream.readUntil(new byte[] {'\n'});
                loop.runInExecutor(pool, () -> stream.write("from the pool\n".getBytes(StandardCharsets.UTF_8)));
                return read;
            }, Duration.ofSeconds(10));
            assertEquals("from the pool\n", new String(line, StandardCharsets.UTF_8));
            assertEquals("on the loop\n", loop.runSync(() -> echo(stream, "on the loop\n"), Duration.ofSeconds(10)));
            onPool(() -> {
                stream.close(); // legal: handed to the loop
                return null;
            });
            loop.runSync(() -> io.squall.Gen.moment());
            assertTrue(stream.isClosed());
        } finally {
            server.stop();
        }
    }

    @Test
    void asyncHttpClientFromAPoolThread() {
        loop.makeCurrent();
        HTTPServer server = new Application().addHandler("/hello", HelloHandler.class).listen(0, "127.0.0.1");
        String url = "http://127.0.0.1:" + server.port() + "/hello";
        try {
            assertTrue(refusal(onPool(AsyncHTTPClient::new)).startsWith("new AsyncHTTPClient() was called on thread"
                    + " 'net-pool', a runInExecutor worker of the IOLoop of thread '" + me + "', which has no IOLoop of"
                    + " its own: it needs this thread's current loop"));
            assertTrue(refusal(onPool(AsyncHTTPClient::shared)).startsWith("AsyncHTTPClient.shared() was called on"
                    + " thread 'net-pool'"));

            // A client made on the loop may fetch from any thread: the request is handed to its loop.
            AsyncHTTPClient client = new AsyncHTTPClient();
            Future<String> body = new Future<>();
            loop.runSync(() -> loop.runInExecutor(pool, () -> {
                client.fetch(url).addDoneCallback(f -> body.setResult(f.result().bodyAsString()));
                return null;
            }), Duration.ofSeconds(10));
            assertEquals("hello", loop.runSync(() -> body, Duration.ofSeconds(10)));

            String m = refusal(onPool(() -> {
                client.close();
                return "closed";
            }));
            assertTrue(m.startsWith("AsyncHTTPClient.close() on " + client + " was called on thread 'net-pool', but it"
                    + " belongs to IOLoop(" + me + ", running) and is not thread-safe"), m);
            client.close(); // here, on the loop's thread, it is fine
        } finally {
            server.stop();
        }
    }

    @Coroutine
    static Future<WebSocketClientConnection> connect(String url) {
        return Future.of(await(WebSocket.connect(url)));
    }

    @Test
    void webSocketsFromAPoolThread() {
        loop.makeCurrent();
        HTTPServer server = new Application().addHandler("/news", NewsHandler.class).listen(0, "127.0.0.1");
        String url = "ws://127.0.0.1:" + server.port() + "/news";
        try {
            assertTrue(refusal(onPool(() -> WebSocket.connect(url))).startsWith("WebSocket.connect() was called on"
                    + " thread 'net-pool', a runInExecutor worker of the IOLoop of thread '" + me + "'"));

            WebSocketClientConnection ws = loop.runSync(() -> connect(url), Duration.ofSeconds(10));
            NewsHandler handler = loop.runSync(() -> NewsHandler.OPENED, Duration.ofSeconds(10));
            // A broadcast from a worker thread: writeMessage hands the frame to the handler's loop.
            onPool(() -> handler.writeMessage("from the pool"));
            assertEquals("from the pool", loop.runSync(ws::readMessage, Duration.ofSeconds(10)));

            String m = refusal(onPool(ws::readMessage));
            assertTrue(m.startsWith("WebSocketClientConnection.readMessage() on " + ws + " was called on thread"
                    + " 'net-pool', but it belongs to IOLoop(" + me + ", running) and is not thread-safe (this would"
                    + " race with the loop)."), m);
            assertTrue(m.endsWith("; read messages in a coroutine on the loop, and hand each one to other threads"
                    + " yourself"), m);
            ws.close();
            loop.runSync(ws::whenClosed, Duration.ofSeconds(10));
        } finally {
            server.stop();
        }
    }
}
