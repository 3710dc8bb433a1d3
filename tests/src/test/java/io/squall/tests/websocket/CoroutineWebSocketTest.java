package io.squall.tests.websocket;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.websocket.WebSocket;
import io.squall.websocket.WebSocketClientConnection;
import io.squall.websocket.WebSocketHandler;

/** WebSocket handlers and a client written as coroutines, with the real agent. */
@Timeout(60)
class CoroutineWebSocketTest {
    private final IOLoop loop = new IOLoop();
    private HTTPServer server;

    /** open() and onMessage() await before answering; messages still come one at a time, in order. */
    public static class SlowEcho extends WebSocketHandler {
        private int count;

        @Override
        @Coroutine
        public Future<?> open(String... args) {
            await(Gen.sleep(Duration.ofMillis(5)));
            await(writeMessage("welcome " + args[0]));
            return null;
        }

        @Override
        @Coroutine
        public Future<?> onMessage(String message) {
            int mine = ++count;
            await(Gen.sleep(Duration.ofMillis(1)));
            await(writeMessage(mine + ":" + message));
            return null;
        }
    }

    @Coroutine
    private Future<List<Object>> talk(int port) {
        WebSocketClientConnection ws = await(WebSocket.connect("ws://127.0.0.1:" + port + "/ws/room7"));
        List<Object> got = new ArrayList<>();
        got.add(await(ws.readMessage()));
        for (int i = 0; i < 20; i++) {
            ws.writeMessage("m" + i); // not awaited: the server still takes them one at a time
        }
        for (int i = 0; i < 20; i++) {
            got.add(await(ws.readMessage()));
        }
        ws.close();
        got.add(await(ws.readMessage()));
        got.add(ws.closeCode());
        return Future.of(got);
    }

    @Test
    void coroutineHandlerAndClient() {
        loop.makeCurrent();
        server = new Application().addHandler("/ws/(\\w+)", SlowEcho.class).listen(0, "127.0.0.1");
        List<Object> got = loop.runSync(() -> talk(server.port()), Duration.ofSeconds(30));
        List<Object> expected = new ArrayList<>();
        expected.add("welcome room7");
        for (int i = 0; i < 20; i++) {
            expected.add((i + 1) + ":m" + i);
        }
        expected.add(null);
        expected.add(1000);
        assertEquals(expected, got);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop();
        }
        loop.close();
    }
}
