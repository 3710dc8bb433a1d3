package io.squall.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.http.Application;

/** Squall's WebSocket client against a real outside server: Python's websockets library. */
@Timeout(120)
class WebSocketClientPythonTest extends WebSocketTestCase {

    private Object read(WebSocketClientConnection ws) {
        return runSync(ws::readMessage);
    }

    @Test
    void squallClientTalksToPythonServer() throws Exception {
        PythonPeer.requirePeer();
        try (PythonPeer.Server py = PythonPeer.startServer("squall_ws_server.py")) {
            String url = "ws://127.0.0.1:" + py.port + "/path?q=1";
            WebSocketClientConnection ws = runSync(() -> WebSocket.connect(url,
                    new WebSocketOptions().subprotocol("chat.v1").subprotocol("chat.v2")));
            assertEquals("chat.v2", ws.selectedSubprotocol());
            assertFalse(ws.isCompressed());

            runSync(() -> ws.writeMessage("h\u00e9llo \u2603"));
            assertEquals("h\u00e9llo \u2603", read(ws));

            byte[] big = new byte[(1 << 20) + 3]; // not a multiple of 8: both masking loops
            new Random(1).nextBytes(big);
            runSync(() -> ws.writeMessage(big));
            assertArrayEquals(big, (byte[]) read(ws));

            runSync(() -> ws.writeMessage("fragments please"));
            assertEquals("fragmented", read(ws));
            runSync(() -> ws.writeMessage("binary fragments please"));
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) read(ws));

            Queue<String> pongs = new ConcurrentLinkedQueue<>();
            ws.setPongListener(data -> pongs.add(new String(data, StandardCharsets.UTF_8)));
            runSync(() -> ws.ping("abc".getBytes(StandardCharsets.UTF_8)));
            runSync(() -> ws.writeMessage("ping me")); // the server pings us; we answer on our own
            assertEquals("pinged", read(ws));
            assertEquals("[abc]", pongs.toString());

            for (int i = 0; i < 200; i++) {
                ws.writeMessage("m" + i);
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("m" + i, read(ws));
            }

            runSync(() -> ws.writeMessage("close:4002:server bye"));
            assertNull(read(ws), "readMessage ends with null once the server closed");
            assertEquals(4002, ws.closeCode());
            assertEquals("server bye", ws.closeReason());
            assertTrue(ws.isClosed());
            Future<Void> late = ws.writeMessage("too late");
            assertThrows(WebSocketClosedException.class, () -> runSync(() -> late));

            WebSocketClientConnection ws2 = runSync(() -> WebSocket.connect(url));
            ws2.close(4003, "client bye");
            runSync(ws2::whenClosed);
            assertEquals(4003, ws2.closeCode(), "the server echoed our close code");
            WebSocketClientConnection ws3 = runSync(() -> WebSocket.connect(url));
            runSync(() -> ws3.writeMessage("last close?"));
            assertEquals("4003:client bye", read(ws3));
            ws3.close();
            runSync(ws3::whenClosed);
            assertEquals(1000, ws3.closeCode());
        }
    }

    @Test
    void permessageDeflateWithPythonServer() throws Exception {
        PythonPeer.requirePeer();
        try (PythonPeer.Server py = PythonPeer.startServer("squall_ws_server.py", "deflate")) {
            String url = "ws://127.0.0.1:" + py.port + "/";
            WebSocketClientConnection ws = runSync(() -> WebSocket.connect(url,
                    new WebSocketOptions().compression(new CompressionOptions())));
            assertTrue(ws.isCompressed());
            runSync(() -> ws.writeMessage("extensions?"));
            assertEquals("permessage-deflate", read(ws));
            String text = "squall squalls ".repeat(50_000);
            for (int i = 0; i < 3; i++) {
                runSync(() -> ws.writeMessage(text));
                assertEquals(text, read(ws));
            }
            runSync(() -> ws.writeMessage("fragments please"));
            assertEquals("fragmented", read(ws));
            runSync(() -> ws.writeMessage(new byte[0]));
            assertArrayEquals(new byte[0], (byte[]) read(ws));
            ws.close();
            runSync(ws::whenClosed);
            assertEquals(1000, ws.closeCode());

            WebSocketClientConnection noContext = runSync(() -> WebSocket.connect(url, new WebSocketOptions()
                    .compression(new CompressionOptions().serverNoContextTakeover(true).clientNoContextTakeover(true))));
            assertTrue(noContext.isCompressed());
            for (int i = 0; i < 3; i++) {
                runSync(() -> noContext.writeMessage(text));
                assertEquals(text, read(noContext));
            }
            noContext.close();
            runSync(noContext::whenClosed);
        }
    }

    @Test
    void handshakeFailuresAreClear() {
        start(new Application().addHandler("/echo", () -> new EchoHandlers.Echo(null)));
        WebSocketHandshakeException e = assertThrows(WebSocketHandshakeException.class,
                () -> runSync(() -> WebSocket.connect(url("/nothing-here"))));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains(url("/nothing-here")) && e.getMessage().contains("404"), e.getMessage());

        // wss:// to a plain server: the TLS handshake fails, naming the host
        Exception tls = assertThrows(javax.net.ssl.SSLHandshakeException.class,
                () -> runSync(() -> WebSocket.connect("wss://127.0.0.1:" + port + "/echo")));
        assertTrue(tls.getMessage().contains("127.0.0.1:" + port), tls.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runSync(() -> WebSocket.connect("http://127.0.0.1/")));

        // Offering nothing and getting a subprotocol back is refused.
        WebSocketClientConnection ok = runSync(() -> WebSocket.connect(url("/echo")));
        runSync(() -> ok.writeMessage("x"));
        assertEquals("x", read(ok));
        ok.close();
        runSync(ok::whenClosed);
    }
}
