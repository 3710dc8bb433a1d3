package io.squall.websocket;

import static io.squall.websocket.RawWebSocket.masked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.http.Application;

/**
 * Hand-built frames and handshakes against Squall's server: each protocol violation is closed with the code
 * RFC 6455 asks for, and the server keeps serving other connections.
 */
@Timeout(60)
class WebSocketProtocolErrorsTest extends WebSocketTestCase {
    private final Queue<String> closes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pongs = new AtomicInteger();

    private void startServer() {
        start(new Application()
                .addHandler("/echo", () -> new EchoHandlers.Echo(closes))
                .addHandler("/small", () -> new EchoHandlers.SmallEcho(closes))
                .addHandler("/quick", () -> new EchoHandlers.Echo(closes) {
                    @Override
                    protected Duration closeTimeout() {
                        return Duration.ofMillis(200);
                    }
                })
                .addHandler("/pinging", () -> new EchoHandlers.Echo(closes) {
                    @Override
                    protected Duration pingInterval() {
                        return Duration.ofMillis(50);
                    }

                    @Override
                    protected Duration pingTimeout() {
                        return Duration.ofMillis(300);
                    }

                    @Override
                    public void onPong(byte[] data) {
                        pongs.incrementAndGet();
                    }
                }));
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void badFramesCloseWithTheRightCodeAndTheServerKeepsServing() throws Exception {
        startServer();
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("unmasked client frame", new Object[] {1002, RawWebSocket.frame(0x81, utf8("hi"), null)});
        cases.put("unknown data opcode 0x3", new Object[] {1002, masked(0x83, utf8("hi"))});
        cases.put("unknown control opcode 0xB", new Object[] {1002, masked(0x8B, new byte[0])});
        cases.put("RSV1 without an extension", new Object[] {1002, masked(0xC1, utf8("hi"))});
        cases.put("RSV2", new Object[] {1002, masked(0xA1, utf8("hi"))});
        cases.put("RSV3", new Object[] {1002, masked(0x91, utf8("hi"))});
        cases.put("invalid UTF-8", new Object[] {1007, masked(0x81, bytes(0xC3, 0x28))});
        cases.put("encoded surrogate", new Object[] {1007, masked(0x81, bytes(0xED, 0xA0, 0x80))});
        cases.put("overlong encoding", new Object[] {1007, masked(0x81, bytes(0xC0, 0xAF))});
        cases.put("UTF-8 cut across fragments", new Object[] {1007,
                masked(0x01, bytes(0xF0, 0x9F)), masked(0x80, bytes(0x98))});
        cases.put("fragmented ping", new Object[] {1002, masked(0x09, utf8("x"))});
        cases.put("ping of 126 bytes", new Object[] {1002, masked(0x89, new byte[126])});
        cases.put("continuation without start", new Object[] {1002, masked(0x80, utf8("x"))});
        cases.put("new message inside a fragmented one", new Object[] {1002,
                masked(0x01, utf8("a")), masked(0x81, utf8("b"))});
        cases.put("close with a 1-byte payload", new Object[] {1002, masked(0x88, bytes(0x03))});
        cases.put("close code 1005", new Object[] {1002, masked(0x88, bytes(0x03, 0xED))});
        cases.put("close code 999", new Object[] {1002, masked(0x88, bytes(0x03, 0xE7))});
        cases.put("close code 2000", new Object[] {1002, masked(0x88, bytes(0x07, 0xD0))});
        cases.put("close reason not UTF-8", new Object[] {1007, masked(0x88, bytes(0x03, 0xE8, 0xFF))});
        cases.put("64-bit length with the top bit set", new Object[] {1002,
                bytes(0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4)});
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            int expected = (Integer) c.getValue()[0];
            int got = blocking(() -> {
                try (RawWebSocket ws = new RawWebSocket(port)) {
                    assertTrue(ws.handshake("/echo", "").startsWith("HTTP/1.1 101 "));
                    for (int i = 1; i < c.getValue().length; i++) {
                        ws.send((byte[]) c.getValue()[i]);
                    }
                    int code = ws.readCloseCode();
                    assertTrue(ws.serverClosed(), c.getKey() + ": the server closes the TCP connection");
                    return code;
                }
            });
            if (got != expected) {
                failures.add(c.getKey() + ": expected " + expected + ", got " + got);
            }
        }
        assertEquals(List.of(), failures);
        assertEquals("still serving", echoOnce("/echo", "still serving"));
    }

    @Test
    void oversizeMessagesCloseWith1009() throws Exception {
        startServer();
        Map<String, byte[][]> cases = new LinkedHashMap<>();
        cases.put("one big frame", new byte[][] {masked(0x82, new byte[2000])});
        cases.put("big fragments", new byte[][] {masked(0x02, new byte[600]), masked(0x80, new byte[600])});
        // Only the header of a 1 GiB frame: refused from its declared length, before any payload.
        cases.put("declared length", new byte[][] {bytes(0x82, 0xFF, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4)});
        for (Map.Entry<String, byte[][]> c : cases.entrySet()) {
            int code = blocking(() -> {
                try (RawWebSocket ws = new RawWebSocket(port)) {
                    ws.handshake("/small", "");
                    ws.send(c.getValue());
                    return ws.readCloseCode();
                }
            });
            assertEquals(1009, code, c.getKey());
        }
        assertEquals("small is fine", echoOnce("/small", "small is fine"));
    }

    @Test
    void controlFramesInsideAFragmentedMessageAndBytesRightBehindTheHandshake() throws Exception {
        startServer();
        List<String> got = blocking(() -> {
            try (RawWebSocket ws = new RawWebSocket(port)) {
                // the first frames travel in the same write as the upgrade request
                byte[] frames = concat(masked(0x01, utf8("hel")), masked(0x89, utf8("p1")), masked(0x00, utf8("lo ")),
                        masked(0x80, utf8("w\u00f6rld")));
                String req = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + RawWebSocket.KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
                ws.out.write(concat(req.getBytes(StandardCharsets.ISO_8859_1), frames));
                ws.out.flush();
                String head = ws.readHead();
                assertTrue(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
                List<String> out = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    RawWebSocket.Frame f = ws.readFrame();
                    out.add(f.opcode() + ":" + f.text());
                }
                ws.send(masked(0x88, bytes(0x03, 0xE8)));
                out.add("close:" + ws.readCloseCode());
                out.add("tcp closed:" + ws.serverClosed());
                return out;
            }
        });
        assertEquals(List.of("10:p1", "1:hello w\u00f6rld", "close:1000", "tcp closed:true"), got);
    }

    @Test
    void serverCloseWithoutAnswerIsCutAfterTheCloseTimeout() throws Exception {
        startServer();
        List<Object> got = blocking(() -> {
            try (RawWebSocket ws = new RawWebSocket(port)) {
                ws.handshake("/quick", "");
                ws.send(masked(0x81, utf8("close:4001:going")));
                RawWebSocket.Frame f = ws.readFrame();
                return List.of(f.opcode(), f.closeCode(), new String(f.payload, 2, f.payload.length - 2,
                        StandardCharsets.UTF_8), ws.serverClosed());
            }
        });
        assertEquals(List.of(8, 4001, "going", true), got);
    }

    @Test
    void periodicPingsCloseAPeerThatNeverAnswers() throws Exception {
        startServer();
        List<Object> got = blocking(() -> {
            try (RawWebSocket ws = new RawWebSocket(port)) {
                ws.handshake("/pinging", "");
                RawWebSocket.Frame f = ws.readFrame();
                return List.of(f.opcode(), ws.serverClosed());
            }
        });
        assertEquals(List.of(9, true), got);
        // A peer that answers stays connected.
        String echoed = blocking(() -> {
            try (RawWebSocket ws = new RawWebSocket(port)) {
                ws.handshake("/pinging", "");
                for (int i = 0; i < 8; i++) {
                    RawWebSocket.Frame ping = ws.readFrame();
                    assertEquals(9, ping.opcode());
                    ws.send(masked(0x8A, ping.payload));
                }
                ws.send(masked(0x81, utf8("alive")));
                RawWebSocket.Frame f = ws.readFrame();
                while (f.opcode() == 9) {
                    f = ws.readFrame();
                }
                ws.send(masked(0x88, bytes(0x03, 0xE8)));
                ws.readCloseCode();
                return f.text();
            }
        });
        assertEquals("alive", echoed);
        assertTrue(pongs.get() >= 8, "onPong saw the answers: " + pongs.get());
    }

    @Test
    void badHandshakesGetHttpErrors() throws Exception {
        startServer();
        Map<String, String> got = blocking(() -> {
            Map<String, String> m = new LinkedHashMap<>();
            String common = "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
            String key = "Sec-WebSocket-Key: " + RawWebSocket.KEY + "\r\n";
            m.put("no key", status("GET /echo HTTP/1.1\r\n" + common + "Sec-WebSocket-Version: 13\r\n\r\n"));
            m.put("short key", status("GET /echo HTTP/1.1\r\n" + common
                    + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n"));
            m.put("version 8", status("GET /echo HTTP/1.1\r\n" + common + key + "Sec-WebSocket-Version: 8\r\n\r\n"));
            m.put("no upgrade", status("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n" + key
                    + "Sec-WebSocket-Version: 13\r\n\r\n"));
            m.put("other origin", status("GET /echo HTTP/1.1\r\n" + common + key
                    + "Sec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n\r\n"));
            m.put("same origin", status("GET /echo HTTP/1.1\r\n" + common + key
                    + "Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1\r\n\r\n"));
            m.put("POST", status("POST /echo HTTP/1.1\r\n" + common + key
                    + "Sec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"));
            return m;
        });
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("no key", "400");
        expected.put("short key", "400");
        expected.put("version 8", "426 13");
        expected.put("no upgrade", "400");
        expected.put("other origin", "403");
        expected.put("same origin", "101");
        expected.put("POST", "405");
        assertEquals(expected, got);
    }

    @Test
    void aPrepareThatWaitsLosesNoFrame() throws Exception {
        start(new Application().addHandler("/later", () -> new EchoHandlers.Echo(closes) {
            @Override
            protected io.squall.Future<?> prepare() {
                io.squall.Future<Void> f = new io.squall.Future<>();
                io.squall.IOLoop.current().callLater(Duration.ofMillis(100), () -> f.setResult(null));
                return f; // as a coroutine awaiting an authentication lookup would
            }
        }));
        List<String> got = blocking(() -> {
            List<String> out = new ArrayList<>();
            try (RawWebSocket ws = new RawWebSocket(port)) {
                // a frame right behind the request, read by the HTTP connection while prepare() waits
                String req = "GET /later HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + RawWebSocket.KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
                ws.out.write(concat(req.getBytes(StandardCharsets.ISO_8859_1), masked(0x81, utf8("early"))));
                ws.out.flush();
                ws.readHead();
                out.add(ws.readFrame().text());
                ws.send(masked(0x81, utf8("later")));
                out.add(ws.readFrame().text());
                ws.send(masked(0x88, bytes(0x03, 0xE8)));
                out.add("close " + ws.readCloseCode());
            }
            try (RawWebSocket ws = new RawWebSocket(port)) {
                // nothing behind the request: the HTTP connection's disconnect watch is pending at the upgrade
                ws.handshake("/later", "");
                ws.send(masked(0x81, utf8("after")));
                out.add(ws.readFrame().text());
                ws.send(masked(0x88, bytes(0x03, 0xE8)));
                out.add("close " + ws.readCloseCode());
            }
            return out;
        });
        assertEquals(List.of("early", "later", "close 1000", "after", "close 1000"), got);
    }

    private String status(String request) throws Exception {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            String head = ws.request(request);
            String code = head.substring(9, 12);
            if (code.equals("426")) {
                int i = head.indexOf("Sec-WebSocket-Version: ");
                code += " " + head.substring(i + 23, head.indexOf("\r\n", i));
            }
            if (code.equals("101")) {
                ws.send(masked(0x88, bytes(0x03, 0xE8)));
                ws.readCloseCode();
            }
            return code;
        }
    }

    private String echoOnce(String path, String text) {
        return blocking(() -> {
            try (RawWebSocket ws = new RawWebSocket(port)) {
                ws.handshake(path, "");
                ws.send(masked(0x81, utf8(text)));
                String reply = ws.readFrame().text();
                ws.send(masked(0x88, bytes(0x03, 0xE8)));
                assertEquals(1000, ws.readCloseCode());
                return reply;
            }
        });
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

}
