package io.squall.tests.qa;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.sync.Queue;
import io.squall.websocket.WebSocket;
import io.squall.websocket.WebSocketClientConnection;
import io.squall.websocket.WebSocketHandler;

/**
 * QA regressions: WebSocket reads and handlers under cancellation, written as a user's app would be
 * (real sockets on 127.0.0.1, the real agent).
 */
@Timeout(60)
class WebSocketCancelQaTest {
    private final IOLoop loop = new IOLoop();
    private HTTPServer server;

    /** Shared by the handlers of one test: what the server-side handlers pull work from. */
    static Queue<String> jobs;
    static final List<String> handled = new ArrayList<>();
    static final List<String> unwound = new ArrayList<>();

    /** Answers "go" with "hello". */
    public static class Greeter extends WebSocketHandler {
        @Coroutine
        @Override
        public Future<?> onMessage(String message) {
            await(writeMessage("hello after " + message));
            return null;
        }
    }

    /** For each message, takes one job from the shared queue and sends it back. */
    public static class Worker extends WebSocketHandler {
        @Coroutine
        @Override
        public Future<?> onMessage(String message) {
            try {
                String job = await(jobs.get());
                handled.add(message + ":" + job);
                await(writeMessage(job));
            } finally {
                unwound.add(message);
            }
            return null;
        }
    }

    @Coroutine
    private Future<List<Object>> readTimesOutThenReads(int port) {
        WebSocketClientConnection ws = await(WebSocket.connect("ws://127.0.0.1:" + port + "/greet"));
        List<Object> got = new ArrayList<>();
        try {
            await(Gen.timeout(Duration.ofMillis(50), ws::readMessage));
            got.add("no timeout?");
        } catch (Exception e) {
            got.add(e.getClass().getSimpleName());
        }
        await(ws.writeMessage("go"));
        got.add(await(Gen.withTimeout(Duration.ofSeconds(10), ws.readMessage())));
        ws.close();
        return Future.of(got);
    }

    /** A readMessage() cancelled by Gen.timeout must not swallow the next message. */
    @Test
    void cancelledReadMessageDoesNotLoseTheNextMessage() {
        loop.makeCurrent();
        server = new Application().addHandler("/greet", Greeter.class).listen(0, "127.0.0.1");
        List<Object> got = loop.runSync(() -> readTimesOutThenReads(server.port()), Duration.ofSeconds(30));
        assertEquals(List.of(TimeoutException.class.getSimpleName(), "hello after go"), got);
    }

    /** A client that sends one text message and then drops the TCP connection (no close frame). */
    static void sendOneAndDrop(int port, String text) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /work HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("handshake cut: " + head);
                }
                head.append((char) b);
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[6 + payload.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) (0x80 | payload.length);
            byte[] mask = {1, 2, 3, 4};
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            out.write(frame);
            out.flush();
            Thread.sleep(200); // the handler is now waiting in jobs.get()
        }
    }

    @Coroutine
    private Future<Object> leaveThenPut(int port) {
        await(IOLoop.current().runInExecutor(null, () -> {
            sendOneAndDrop(port, "first");
            return null;
        }));
        await(Gen.sleep(Duration.ofMillis(200)));    // the server sees the connection drop
        WebSocketClientConnection second = await(WebSocket.connect("ws://127.0.0.1:" + port + "/work"));
        await(second.writeMessage("second"));
        await(Gen.sleep(Duration.ofMillis(100)));
        jobs.putNowait("job-1");
        Object reply = await(Gen.withTimeout(Duration.ofSeconds(10), second.readMessage()));
        second.close();
        return Future.of(reply);
    }

    /**
     * A handler whose onMessage awaits a shared Queue is cancelled when its client leaves, so the next
     * item goes to a live handler instead of a dead one.
     */
    @Test
    void handlerAwaitingQueueIsCancelledWhenClientLeaves() {
        loop.makeCurrent();
        jobs = new Queue<>();
        handled.clear();
        unwound.clear();
        server = new Application().addHandler("/work", Worker.class).listen(0, "127.0.0.1");
        Object reply = loop.runSync(() -> leaveThenPut(server.port()), Duration.ofSeconds(30));
        assertEquals("job-1", reply);
        assertEquals(List.of("second:job-1"), handled);
        assertTrue(unwound.contains("first"), "the first handler's finally ran: " + unwound);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop();
        }
        loop.close();
    }
}
