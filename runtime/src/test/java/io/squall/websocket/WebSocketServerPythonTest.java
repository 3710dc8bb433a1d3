package io.squall.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Gen;
import io.squall.http.Application;

/** Squall's WebSocket server against a real outside client: Python's websockets library. */
@Timeout(120)
class WebSocketServerPythonTest extends WebSocketTestCase {

    @Test
    void pythonClientTalksToSquallServer() throws Exception {
        PythonPeer.requirePeer();
        Queue<String> closes = new ConcurrentLinkedQueue<>();
        start(new Application()
                .addHandler("/echo", () -> new EchoHandlers.Echo(closes))
                .addHandler("/deflate", () -> new EchoHandlers.DeflateEcho(closes))
                .addHandler("/small", () -> new EchoHandlers.SmallEcho(closes)));
        Map<String, String> r = blocking(() -> PythonPeer.run("squall_ws_client.py", url(""), "-v"));
        System.out.println("python client: " + r);
        for (String k : r.keySet()) {
            if (k.endsWith("_error")) {
                throw new AssertionError("python check failed: " + k + "=" + r.get(k) + "\nall: " + r);
            }
        }
        assertEquals("h\u00e9llo \u2603", r.get("text"));
        assertEquals("[0, 1, 255]", r.get("binary"));
        assertEquals("fragmented \u00e9", r.get("fragmented"));
        assertEquals("[1, 2, 3]", r.get("fragmented_binary"));
        assertEquals("True", r.get("big"));
        assertEquals("True", r.get("pong"));
        assertEquals("True", r.get("order"));
        assertEquals("(4000, 'bye \u00e9')", r.get("client_close"), "the server echoes the client's close code");
        assertEquals("(4001, 'done')", r.get("server_close"));
        assertEquals("['permessage-deflate']", r.get("deflate_extensions"));
        assertEquals("True", r.get("deflate_echo"));
        assertEquals("True", r.get("deflate_binary"));
        assertEquals("compressed fragments", r.get("deflate_fragmented"));
        assertEquals("[]", r.get("no_deflate_extensions"));
        assertEquals("plain", r.get("no_deflate_echo"));
        assertEquals("1009", r.get("too_big"));
        assertEquals("chat.v2", r.get("subprotocol"));
        assertEquals("403", r.get("origin"));
        runSync(() -> Gen.sleep(Duration.ofMillis(50)));
        assertEquals(true, closes.contains("4000:bye \u00e9"), "onClose saw the client's code and reason: " + closes);
        assertEquals(true, closes.contains("4001:done"), "the python client echoes the server's close: " + closes);
    }
}
