package io.squall.tests.streaming;

import static io.squall.Async.await;
import static io.squall.tests.streaming.StreamingHandlers.EVENTS;
import static io.squall.tests.streaming.StreamingHandlers.FLUSHED;
import static io.squall.tests.streaming.StreamingHandlers.RECEIVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.Application;
import io.squall.http.HTTPRequest;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;

/**
 * Streaming bodies over real sockets on 127.0.0.1: {@code @StreamRequestBody} uploads (Content-Length and
 * chunked, back-pressure, per-handler limit, a client that leaves mid-upload), downloads with awaited
 * {@code flush()} (a slow reader slows the handler, a reader that leaves is seen), and the client's
 * streamingCallback / headerCallback / bodyProducer.
 */
@Timeout(120)
class StreamingBodyTest {
    private static final int MIB = 1 << 20;

    private final IOLoop loop = new IOLoop();
    private HTTPServer server;
    private AsyncHTTPClient client;

    @BeforeEach
    void start() {
        StreamingHandlers.reset();
        loop.makeCurrent();
        server = new HTTPServer(new Application()
                .addHandler("/sum", StreamingHandlers.Checksum.class)
                .addHandler("/small", StreamingHandlers.Small.class)
                .addHandler("/file", StreamingHandlers.ToFile.class)
                .addHandler("/download/(\\d+)", StreamingHandlers.Download.class));
        server.listen(0, "127.0.0.1");
        client = new AsyncHTTPClient(loop, 4);
    }

    @AfterEach
    void stop() {
        StreamingHandlers.gate = null;
        client.close();
        server.stop();
        server.closeAllConnections();
        loop.runSync(() -> Gen.sleep(Duration.ofMillis(2)));
        loop.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private void spinUntil(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(5)));
        }
        assertTrue(condition.getAsBoolean(), what + "; events " + EVENTS);
    }

    /** Runs the loop until {@code value} has not changed for 300 ms; returns it. */
    private long settle(AtomicLong value) {
        long last = -1;
        long stableSince = System.nanoTime();
        while (true) {
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(20)));
            long now = value.get();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 300_000_000L) {
                return now;
            }
        }
    }

    private static byte[] generated(int length) {
        byte[] b = new byte[length];
        StreamingHandlers.fill(b, length, 0);
        return b;
    }

    private static String crcHex(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return Long.toHexString(crc.getValue());
    }

    @Test
    void contentLengthUploadArrivesInPiecesBetweenPrepareAndPut() {
        byte[] body = generated(8 * MIB + 123);
        HTTPResponse r = loop.runSync(() -> client.fetch(new HTTPRequest(url("/sum")).method("PUT").body(body)),
                Duration.ofSeconds(60));
        String[] parts = r.bodyAsString().split(" ");
        assertEquals(Long.toString(body.length), parts[0]);
        assertEquals(crcHex(body), parts[1]);
        assertTrue(Long.parseLong(parts[2]) >= body.length / (64 << 10), "one piece per read: " + parts[2]);
        assertEquals(List.of("prepare", "first piece", "put"), EVENTS);
    }

    @Test
    void chunkedUploadFromABodyProducer() {
        byte[] body = generated(5 * MIB + 7);
        HTTPRequest request = new HTTPRequest(url("/sum")).method("POST").bodyProducer(write -> produce(write, body));
        HTTPResponse r = loop.runSync(() -> client.fetch(request), Duration.ofSeconds(60));
        String[] parts = r.bodyAsString().split(" ");
        assertEquals(Long.toString(body.length), parts[0]);
        assertEquals(crcHex(body), parts[1]);
        assertEquals(List.of("prepare", "first piece", "put"), EVENTS);
        // The connection went back to the pool and serves a buffered request after the chunked one.
        HTTPResponse again = loop.runSync(() -> client.fetch(new HTTPRequest(url("/sum")).method("PUT").body("abc")));
        assertTrue(again.bodyAsString().startsWith("3 "), again.bodyAsString());
    }

    @Coroutine
    static Future<Void> produce(io.squall.http.BodyProducer.Writer write, byte[] body) {
        for (int off = 0; off < body.length; off += 100_000) {
            int n = Math.min(100_000, body.length - off);
            await(write.write(java.util.Arrays.copyOfRange(body, off, off + n)));
        }
        return Future.of(null);
    }

    @Test
    void aHeldHandlerStopsTheServerReadingAndTheClientSending() throws Exception {
        Future<Void> gate = new Future<>();
        StreamingHandlers.gate = gate;
        long total = 128L * MIB;
        AtomicLong sent = new AtomicLong();
        List<String> answer = Collections.synchronizedList(new ArrayList<>());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(("PUT /sum HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] buf = new byte[64 << 10];
                    for (long off = 0; off < total; off += buf.length) {
                        StreamingHandlers.fill(buf, buf.length, off);
                        out.write(buf);
                        sent.addAndGet(buf.length);
                    }
                    out.flush();
                    byte[] in = new byte[4096];
                    int n = s.getInputStream().read(in);
                    answer.add(new String(in, 0, Math.max(n, 0), StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    answer.add("client failed: " + e);
                }
            }, "slow-upload-client");
            writer.setDaemon(true);
            writer.start();
            long stalled = settle(sent);
            // The handler holds its first piece: the server read at most one more buffer, the rest waits in
            // the kernel's socket buffers, and the client cannot send the whole body.
            assertEquals(0, RECEIVED.get());
            assertTrue(stalled < 48L * MIB, "the client sent " + stalled + " bytes to a held handler");
            loop.runSync(() -> {
                gate.setResult(null);
                return Future.of(null);
            });
            StreamingHandlers.gate = null;
            spinUntil(() -> !answer.isEmpty(), "the response arrived");
            writer.join(10_000);
        }
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 << 10];
        for (long off = 0; off < total; off += buf.length) {
            StreamingHandlers.fill(buf, buf.length, off);
            crc.update(buf);
        }
        String reply = answer.get(0);
        assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
        assertTrue(reply.contains("\r\n\r\n" + total + " " + Long.toHexString(crc.getValue()) + " "), reply);
    }

    @Test
    void theHandlersLimitAnswers413() {
        HTTPResponse tooLong = loop.runSync(() -> client.fetch(new HTTPRequest(url("/small")).method("PUT")
                .body(new byte[MIB + 1]).raiseError(false)), Duration.ofSeconds(30));
        assertEquals(413, tooLong.code());
        assertFalse(EVENTS.contains("prepare"), "refused before prepare(): " + EVENTS);
        byte[] body = generated(3 * MIB);
        HTTPResponse chunked = loop.runSync(() -> client.fetch(new HTTPRequest(url("/small")).method("PUT")
                .bodyProducer(write -> produce(write, body)).raiseError(false)), Duration.ofSeconds(30));
        assertEquals(413, chunked.code());
        assertTrue(RECEIVED.get() <= MIB, "received " + RECEIVED.get());
        // Within the limit the same handler serves.
        HTTPResponse ok = loop.runSync(() -> client.fetch(new HTTPRequest(url("/small")).method("PUT")
                .body(generated(MIB))), Duration.ofSeconds(30));
        assertEquals(MIB + " " + crcHex(generated(MIB)), ok.bodyAsString().substring(0, ok.bodyAsString().lastIndexOf(' ')));
    }

    @Test
    void aClientThatLeavesMidUploadIsSeenAndTheFileIsCleanedUp() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /file HTTP/1.1\r\nHost: t\r\nContent-Length: " + (64 * MIB) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(generated(MIB));
            out.flush();
            spinUntil(() -> RECEIVED.get() == MIB, "the first MiB arrived");
        }
        spinUntil(() -> EVENTS.contains("onConnectionClose"), "the handler saw the client leave");
        spinUntil(() -> server.connectionCount() == 0, "the connection is closed");
        assertFalse(StreamingHandlers.lastChannel.isOpen());
        assertFalse(Files.exists(StreamingHandlers.lastFile));
        // A complete upload to the same handler still works.
        HTTPResponse r = loop.runSync(() -> client.fetch(new HTTPRequest(url("/file")).method("PUT")
                .body(generated(2 * MIB))), Duration.ofSeconds(30));
        assertEquals(Integer.toString(2 * MIB), r.bodyAsString());
    }

    @Test
    void aSlowReaderSlowsTheHandlerAndTheServerHoldsLittle() throws Exception {
        long total = 256L * MIB;
        AtomicLong read = new AtomicLong();
        Object go = new Object();
        boolean[] reading = {false};
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setReceiveBufferSize(64 << 10);
            s.getOutputStream().write("GET /download/256 HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread reader = new Thread(() -> {
                try {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[64 << 10];
                    int n;
                    read.addAndGet(in.read(buf));
                    synchronized (go) {
                        while (!reading[0]) {
                            go.wait();
                        }
                    }
                    while ((n = in.read(buf)) > 0) {
                        read.addAndGet(n);
                    }
                } catch (Exception ignored) {
                    // the assertions below tell
                }
            }, "slow-download-client");
            reader.setDaemon(true);
            reader.start();
            long stalled = settle(FLUSHED);
            assertTrue(stalled < 64L * MIB, "the handler flushed " + stalled + " bytes to a client that reads nothing");
            assertFalse(EVENTS.contains("download done"));
            synchronized (go) {
                reading[0] = true;
                go.notifyAll();
            }
            spinUntil(() -> EVENTS.contains("download done"), "the download completed once the client read");
            assertEquals(total, FLUSHED.get());
            spinUntil(() -> read.get() > total, "the client read the whole chunked body");
        }
    }

    @Test
    void aReaderThatLeavesMidDownloadIsSeenAndNothingIsLeftOpen() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.getOutputStream().write("GET /download/1024 HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            spinUntil(() -> FLUSHED.get() > 0, "the download started");
            s.getInputStream().read(new byte[4096]);
        }
        spinUntil(() -> EVENTS.contains("finally"), "the handler stopped");
        assertTrue(EVENTS.contains("onConnectionClose"), EVENTS.toString());
        assertFalse(EVENTS.contains("download done"), EVENTS.toString());
        spinUntil(() -> server.connectionCount() == 0, "the connection is closed");
        assertTrue(FLUSHED.get() < 1024L * MIB);
    }

    @Test
    void streamingCallbackAndHeaderCallback() {
        List<String> lines = new ArrayList<>();
        CRC32 crc = new CRC32();
        AtomicLong got = new AtomicLong();
        HTTPRequest request = new HTTPRequest(url("/download/16"))
                .headerCallback(lines::add)
                .streamingCallback(chunk -> slowConsumer(chunk, crc, got));
        HTTPResponse r = loop.runSync(() -> client.fetch(request), Duration.ofSeconds(60));
        assertEquals(200, r.code());
        assertEquals(0, r.body().length);
        assertEquals(16L * MIB, got.get());
        byte[] expected = generated(16 * MIB);
        assertEquals(crcHex(expected), Long.toHexString(crc.getValue()));
        assertEquals("HTTP/1.1 200 OK\r\n", lines.get(0));
        assertTrue(lines.contains("Transfer-Encoding: chunked\r\n"), lines.toString());
        assertEquals("\r\n", lines.get(lines.size() - 1));
    }

    @Test
    void aHeaderCallbackAloneKeepsTheBodyBuffered() {
        List<String> lines = new ArrayList<>();
        HTTPResponse r = loop.runSync(() -> client.fetch(new HTTPRequest(url("/download/1")).headerCallback(lines::add)),
                Duration.ofSeconds(30));
        assertEquals(crcHex(generated(MIB)), crcHex(r.body()));
        assertEquals("HTTP/1.1 200 OK\r\n", lines.get(0));
    }

    @Test
    void aPendingStreamingCallbackFuturePausesTheDownload() {
        Future<Void> hold = new Future<>();
        AtomicLong got = new AtomicLong();
        List<Future<HTTPResponse>> fetch = new ArrayList<>();
        loop.runSync(() -> {
            fetch.add(client.fetch(new HTTPRequest(url("/download/256")).requestTimeout(Duration.ofSeconds(90))
                    .streamingCallback(chunk -> got.addAndGet(chunk.length) == chunk.length ? hold : null)));
            return Future.of(null);
        });
        long stalled = settle(FLUSHED);
        assertTrue(stalled < 64L * MIB, "the handler flushed " + stalled + " bytes to a paused client");
        assertTrue(got.get() <= 64 << 10, "delivered while paused: " + got.get());
        HTTPResponse r = loop.runSync(() -> {
            hold.setResult(null);
            return fetch.get(0);
        }, Duration.ofSeconds(90));
        assertEquals(200, r.code());
        assertEquals(256L * MIB, got.get());
    }

    @Coroutine
    static Future<Void> slowConsumer(byte[] chunk, CRC32 crc, AtomicLong got) {
        await(Gen.moment()); // every piece waits a loop turn: reading pauses meanwhile
        crc.update(chunk);
        got.addAndGet(chunk.length);
        return Future.of(null);
    }

    @Test
    void aFailingStreamingCallbackFailsTheFetch() {
        HTTPRequest request = new HTTPRequest(url("/download/8")).streamingCallback(chunk -> {
            throw new IllegalStateException("disk full");
        });
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> loop.runSync(() -> client.fetch(request), Duration.ofSeconds(30)));
        assertTrue(String.valueOf(e.getMessage()).contains("disk full") || String.valueOf(e.getCause()).contains("disk full"),
                e.toString());
    }
}
