package io.squall.tests.cancel;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.LoopCounters;
import io.squall.annotations.Coroutine;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPResponse;
import io.squall.net.IOStream;
import io.squall.net.TCPClient;
import io.squall.tests.RecordingHandler;

/**
 * IOLoop.close() reaches coroutines suspended on the loop's sockets: a stream read or write, an HTTP fetch,
 * and the chains above them. Each is cancelled and unwinds on the closing thread before the selector is
 * closed, the streams are closed (the peer sees end of stream), and the count is logged at debug level.
 */
@Timeout(60)
class LoopCloseTest {
    private IOLoop loop;
    private ServerSocket server;
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger squallLogger = Logger.getLogger("io.squall");
    private Level previousLevel;
    private final Handler capture = new RecordingHandler(logged);

    @BeforeEach
    void setUp() throws Exception {
        loop = new IOLoop();
        loop.makeCurrent();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept()); // accepts and never answers, never reads
                }
            } catch (Exception closed) {
                // server closed: done
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
        previousLevel = squallLogger.getLevel();
        squallLogger.setLevel(Level.FINE);
        squallLogger.addHandler(capture);
    }

    @AfterEach
    void tearDown() throws Exception {
        squallLogger.removeHandler(capture);
        squallLogger.setLevel(previousLevel);
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        loop.close();
    }

    private void spinUntil(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(2)));
        }
        assertTrue(condition.getAsBoolean());
    }

    /** Reads what the peer sends until end of stream; returns -1 once the client side was closed. */
    private static int drainToEof(Socket peer) throws Exception {
        peer.setSoTimeout(10_000);
        InputStream in = peer.getInputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = in.read(buf);
        } while (n > 0);
        return n;
    }

    private String cancelledLog() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel() == Level.FINE).map(LogRecord::getMessage)
                    .filter(m -> m.startsWith("IOLoop.close(): cancelled")).findFirst().orElse("none");
        }
    }

    @Coroutine
    static Future<String> readLine(IOStream stream, List<String> log) {
        try {
            byte[] line = await(stream.readUntil("\n".getBytes(StandardCharsets.US_ASCII)));
            return Future.of(new String(line, StandardCharsets.US_ASCII));
        } catch (CancellationException e) {
            log.add("read cancelled");
            throw e;
        } finally {
            log.add("read finally");
        }
    }

    @Coroutine
    static Future<Object> above(Future<?> inner, List<String> log) {
        try {
            return Future.of((Object) await(inner));
        } catch (CancellationException e) {
            log.add("outer cancelled");
            throw e;
        } finally {
            log.add("outer finally");
        }
    }

    @Test
    void closeCancelsACoroutineSuspendedOnASocketReadAndTheChainAboveIt() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        IOStream stream = loop.runSync(() -> new TCPClient().connect("127.0.0.1", server.getLocalPort()));
        spinUntil(() -> accepted.size() == 1);
        Future<String> read = loop.runSync(() -> Future.of(readLine(stream, log)));
        Future<Object> outer = loop.runSync(() -> Future.of(above(read, log)));
        loop.runSync(Gen::moment);
        assertFalse(read.isDone());
        assertEquals(1, LoopCounters.activeHandlers(loop), "the stream's socket is registered while the read waits");

        loop.close();

        assertTrue(read.isCancelled());
        assertTrue(outer.isCancelled());
        assertEquals(List.of("read cancelled", "read finally", "outer cancelled", "outer finally"), log,
                "innermost first, on this thread, during close()");
        assertTrue(stream.isClosed(), "IOLoop.close() closes the streams registered with it");
        assertEquals(-1, drainToEof(accepted.get(0)), "the client's socket is closed: the peer sees end of stream");
        assertEquals("IOLoop.close(): cancelled 2 suspended coroutine(s) and let them unwind", cancelledLog());
    }

    @Coroutine
    static Future<Void> writeAll(IOStream stream, byte[] data, List<String> log) {
        try {
            await(stream.write(data));
            return Future.of(null);
        } catch (CancellationException e) {
            log.add("write cancelled");
            throw e;
        }
    }

    @Test
    void closeCancelsACoroutineSuspendedOnASocketWriteToAPeerThatDoesNotRead() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        IOStream stream = loop.runSync(() -> new TCPClient().connect("127.0.0.1", server.getLocalPort()));
        spinUntil(() -> accepted.size() == 1);
        byte[] big = new byte[32 * 1024 * 1024]; // far more than both socket buffers hold
        Future<Void> write = loop.runSync(() -> Future.of(writeAll(stream, big, log)));
        loop.runSync(Gen::moment);
        assertFalse(write.isDone(), "the peer does not read, so the write waits");

        loop.close();

        assertTrue(write.isCancelled());
        assertEquals(List.of("write cancelled"), log);
        assertTrue(stream.isClosed());
        assertEquals(-1, drainToEof(accepted.get(0)));
        assertEquals("IOLoop.close(): cancelled 1 suspended coroutine(s) and let them unwind", cancelledLog());
    }

    @Coroutine
    static Future<HTTPResponse> fetch(AsyncHTTPClient client, String url, List<String> log) {
        try {
            return Future.of(await(client.fetch(url)));
        } catch (CancellationException e) {
            log.add("fetch cancelled");
            throw e;
        } finally {
            log.add("fetch finally");
        }
    }

    @Test
    void closeCancelsAFetchInFlightAndTheChainAboveIt() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 4);
        Future<HTTPResponse> fetch = loop.runSync(() -> Future.of(fetch(client,
                "http://127.0.0.1:" + server.getLocalPort() + "/never", log)));
        Future<Object> outer = loop.runSync(() -> Future.of(above(fetch, log)));
        spinUntil(() -> client.openConnections() == 1 && accepted.size() == 1);
        assertTrue(LoopCounters.pendingTimers(loop) >= 1, "the request timeout is armed");
        assertEquals(1, LoopCounters.activeHandlers(loop));

        loop.close();

        assertTrue(fetch.isCancelled());
        assertTrue(outer.isCancelled());
        assertEquals(List.of("fetch cancelled", "fetch finally", "outer cancelled", "outer finally"), log);
        assertEquals(0, client.openConnections(), "the fetch's connection is closed, not pooled");
        assertEquals(-1, drainToEof(accepted.get(0)), "the request went out, then the socket was closed");
        assertEquals("IOLoop.close(): cancelled 2 suspended coroutine(s) and let them unwind", cancelledLog());
    }

    @Coroutine
    static Future<IOStream> connect(int port, List<String> log) {
        try {
            return Future.of(await(new TCPClient().connect("127.0.0.1", port)));
        } catch (CancellationException e) {
            log.add("connect cancelled");
            throw e;
        }
    }

    @Test
    void closeCancelsAConnectInFlight() throws Exception {
        // A listener that never accepts, its backlog full: Linux drops further SYNs, so a connect stays pending.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            Future<IOStream> pending = null;
            for (int i = 0; i < 8 && pending == null; i++) {
                Future<IOStream> f = loop.runSync(() -> Future.of(connect(full.getLocalPort(), log)));
                spinUntilOrTimeout(f::isDone, 300);
                if (f.isDone()) {
                    loop.runSync(() -> f).close();
                    continue;
                }
                pending = f;
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(pending != null,
                    "this kernel completes connects to a full backlog; cannot hold a connect in flight");
            assertEquals(1, LoopCounters.activeHandlers(loop), "the connecting socket is registered");

            loop.close();

            assertTrue(pending.isCancelled());
            assertEquals(List.of("connect cancelled"), log);
            assertEquals("IOLoop.close(): cancelled 1 suspended coroutine(s) and let them unwind", cancelledLog());
        }
    }

    private void spinUntilOrTimeout(java.util.function.BooleanSupplier condition, long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(2)));
        }
    }
}
