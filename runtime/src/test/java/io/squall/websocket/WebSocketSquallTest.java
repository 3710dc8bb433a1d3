package io.squall.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.http.Application;

/** Squall's client against Squall's server: load, ordering, back-pressure, compression. */
@Timeout(120)
class WebSocketSquallTest extends WebSocketTestCase {

    /** Sends {@code n} messages without waiting, then reads {@code n} replies; completes with them in order. */
    private static Future<List<Object>> pipelined(String url, WebSocketOptions options, int id, int n) {
        Future<List<Object>> done = new Future<>();
        WebSocket.connect(url, options).addDoneCallback(f -> {
            if (f.exception() != null) {
                done.setException(f.exception());
                return;
            }
            WebSocketClientConnection ws = f.result();
            for (int i = 0; i < n; i++) {
                ws.writeMessage(id + ":" + i);
            }
            readAll(ws, new ArrayList<>(n), n, done);
        });
        return done;
    }

    private static void readAll(WebSocketClientConnection ws, List<Object> got, int n, Future<List<Object>> done) {
        ws.readMessage().addDoneCallback(m -> {
            if (m.exception() != null) {
                done.setException(m.exception());
                return;
            }
            got.add(m.result());
            if (m.result() == null || got.size() == n) {
                ws.close();
                ws.whenClosed().addDoneCallback(c -> done.setResult(got));
            } else {
                readAll(ws, got, n, done);
            }
        });
    }

    @Test
    void thousandSocketsEachEchoHundredMessagesInOrder() {
        Queue<String> closes = new ConcurrentLinkedQueue<>();
        start(new Application().addHandler("/echo", () -> new EchoHandlers.Echo(closes)));
        int sockets = 1000;
        int messages = 100;
        List<Future<List<Object>>> clients = new ArrayList<>();
        for (int c = 0; c < sockets; c++) {
            // All 1,000 handshakes start at once on one loop: on a loaded 2-core machine they can take longer
            // than the default 20 s connect timeout, which here is only a hang guard.
            clients.add(pipelined(url("/echo"), new WebSocketOptions().connectTimeout(Duration.ofSeconds(100)), c,
                    messages));
        }
        long t0 = System.nanoTime();
        long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        List<List<Object>> results = loop.runSync(() -> Gen.multi(clients), Duration.ofSeconds(110)); // hang guard only
        System.out.println("1000 sockets x 100 messages echoed in " + (System.nanoTime() - t0) / 1_000_000
                + " ms, loop thread CPU " + (java.lang.management.ManagementFactory.getThreadMXBean()
                .getCurrentThreadCpuTime() - cpu0) / 1_000_000 + " ms");
        int received = 0;
        for (int c = 0; c < sockets; c++) {
            List<Object> got = results.get(c);
            for (int i = 0; i < messages; i++) {
                assertEquals(c + ":" + i, got.get(i), "client " + c + " message " + i);
            }
            received += got.size();
        }
        assertEquals(sockets * messages, received);
        runSync(() -> Gen.sleep(Duration.ofMillis(50)));
        assertEquals(sockets, closes.size(), "every server handler saw its close");
        assertTrue(closes.stream().allMatch("1000:"::equals), "all closed normally");
    }

    @Test
    void onMessageCoroutinesRunOneAtATimeInOrder() {
        List<String> seen = new ArrayList<>();
        int[] inFlight = {0, 0};
        start(new Application().addHandler("/slow", () -> new WebSocketHandler() {
            @Override
            public Future<?> onMessage(String message) {
                inFlight[0]++;
                inFlight[1] = Math.max(inFlight[1], inFlight[0]);
                seen.add(message);
                Future<Void> later = new Future<>();
                // answers after a pause, as a coroutine awaiting something would
                io.squall.IOLoop.current().callLater(Duration.ofMillis(1), () -> {
                    inFlight[0]--;
                    writeMessage("done " + message).addDoneCallback(w -> later.setResult(null));
                });
                return later;
            }
        }));
        List<Object> got = runSync(() -> pipelined(url("/slow"), new WebSocketOptions(), 7, 50));
        for (int i = 0; i < 50; i++) {
            assertEquals("done 7:" + i, got.get(i));
            assertEquals("7:" + i, seen.get(i));
        }
        assertEquals(1, inFlight[1], "never two onMessage calls in flight");
    }

    @Test
    void compressedSquallToSquall() {
        Queue<String> closes = new ConcurrentLinkedQueue<>();
        start(new Application().addHandler("/deflate", () -> new EchoHandlers.DeflateEcho(closes))
                .addHandler("/limited", () -> new EchoHandlers.DeflateEcho(closes) {
                    @Override
                    protected int maxMessageSize() {
                        return 10_000;
                    }
                }));
        WebSocketOptions deflate = new WebSocketOptions().compression(new CompressionOptions());
        List<Object> got = runSync(() -> pipelined(url("/deflate"), deflate, 1, 100));
        for (int i = 0; i < 100; i++) {
            assertEquals("1:" + i, got.get(i));
        }
        // A tiny compressed message that inflates past the limit: a deflate bomb is cut at the limit.
        WebSocketClientConnection ws = runSync(() -> WebSocket.connect(url("/limited"), deflate));
        assertTrue(ws.isCompressed());
        runSync(() -> ws.writeMessage("z".repeat(5_000)));
        assertEquals("z".repeat(5_000), runSync(ws::readMessage));
        runSync(() -> ws.writeMessage("z".repeat(100_000)));
        assertEquals(null, runSync(ws::readMessage));
        assertEquals(1009, ws.closeCode());
    }

    @Test
    void writeMessageFuturesWaitForASlowReader() throws Exception {
        int[] flushed = {0};
        byte[] mib = new byte[1 << 20];
        start(new Application().addHandler("/flood", () -> new WebSocketHandler() {
            @Override
            public Future<?> open(String... args) {
                writeMore();
                return null;
            }

            private void writeMore() {
                if (flushed[0] == 64 || isClosed()) {
                    return;
                }
                writeMessage(mib).addDoneCallback(f -> {
                    if (f.exception() == null) {
                        flushed[0]++;
                        writeMore();
                    }
                });
            }
        }));
        try (RawWebSocket ws = blocking(() -> {
            RawWebSocket raw = new RawWebSocket(port);
            raw.socket.setReceiveBufferSize(64 * 1024);
            raw.handshake("/flood", "");
            return raw;
        })) {
            runSync(() -> Gen.sleep(Duration.ofMillis(300)));
            int whileNotReading = flushed[0];
            assertTrue(whileNotReading < 16, "a reader that reads nothing holds the writer back: " + whileNotReading
                    + " MiB flushed");
            int frames = blocking(() -> {
                for (int i = 0; i < 64; i++) {
                    assertEquals(1 << 20, ws.readFrame().payload.length);
                }
                return 64;
            });
            assertEquals(64, frames);
            assertEquals(64, flushed[0]);
            blocking(() -> {
                ws.send(RawWebSocket.masked(0x88, new byte[] {0x03, (byte) 0xE8}));
                return ws.readCloseCode();
            });
        }
    }

    @Test
    void aClientThatVanishesMidWriteIsNoError() throws Exception {
        Queue<String> closes = new ConcurrentLinkedQueue<>();
        start(new Application().addHandler("/big", () -> new EchoHandlers.Echo(closes) {
            @Override
            public Future<?> onMessage(String message) {
                return writeMessage(new byte[8 << 20]); // fails once the client is gone; logged at debug only
            }
        }));
        blocking(() -> {
            try (RawWebSocket ws = new RawWebSocket(port)) {
                ws.handshake("/big", "");
                ws.send(RawWebSocket.masked(0x81, "go".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                ws.in.readNBytes(1000);
                ws.socket.setSoLinger(true, 0); // a reset, not a clean close
            }
            return null;
        });
        for (int i = 0; i < 200 && closes.isEmpty(); i++) {
            runSync(() -> Gen.sleep(Duration.ofMillis(10)));
        }
        assertEquals("[1006:null]", closes.toString(), "onClose ran, with no close frame received");
    }
}
