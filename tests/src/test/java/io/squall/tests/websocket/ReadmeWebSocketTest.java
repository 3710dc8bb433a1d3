package io.squall.tests.websocket;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.websocket.WebSocket;
import io.squall.websocket.WebSocketClientConnection;
import io.squall.websocket.WebSocketHandler;

/** The README's WebSocket tour, as written there (only the port differs), run with the agent. */
@Timeout(30)
class ReadmeWebSocketTest {
    public static class EchoHandler extends WebSocketHandler {
        @Coroutine
        @Override
        public Future<?> onMessage(String message) {
            await(writeMessage("echo: " + message));   // done once flushed: a slow client slows this handler
            return null;
        }
    }

    private int port;

    @Coroutine
    Future<String> hello() {
        WebSocketClientConnection ws = await(WebSocket.connect("ws://127.0.0.1:" + port + "/echo"));
        await(ws.writeMessage("hello"));
        String reply = (String) await(ws.readMessage());   // "echo: hello"; null once the connection is closed
        ws.close();
        await(ws.whenClosed());
        return Future.of(reply);
    }

    @Test
    void readmeEcho() {
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        HTTPServer server = new Application().addHandler("/echo", EchoHandler.class).listen(0, "127.0.0.1");
        try {
            port = server.port();
            assertEquals("echo: hello", loop.runSync(this::hello, Duration.ofSeconds(20)));
        } finally {
            server.stop();
            loop.close();
        }
    }
}
