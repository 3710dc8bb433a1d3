package io.squall.tests.cancel;

import static io.squall.Async.await;
import static io.squall.tests.cancel.RunUntilDone.runUntilDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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

/**
 * Each kind of await gives its resource back when the awaiting coroutine is cancelled: a socket read (the
 * stream stays usable), an HTTP fetch (its connection is closed, its timer removed), executor work (not
 * started if it had not started, else its result dropped).
 */
@Timeout(60)
class AwaitablesTest {
    private IOLoop loop;
    private ServerSocket server;
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    private Thread acceptor;

    @BeforeEach
    void setUp() throws Exception {
        loop = new IOLoop();
        loop.makeCurrent();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());   // accepts and never answers
                }
            } catch (Exception closed) {
                // server closed: done
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void tearDown() throws Exception {
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

    @Coroutine
    static Future<String> readLine(IOStream stream, List<String> log) {
        try {
            byte[] line = await(stream.readUntil("\n".getBytes(StandardCharsets.US_ASCII)));
            return Future.of(new String(line, StandardCharsets.US_ASCII));
        } catch (CancellationException e) {
            log.add("read cancelled");
            throw e;
        }
    }

    @Test
    void aCancelledSocketReadLeavesTheStreamUsable() throws Exception {
        List<String> log = new ArrayList<>();
        IOStream stream = loop.runSync(() -> new TCPClient().connect("127.0.0.1", server.getLocalPort()));
        spinUntil(() -> accepted.size() == 1);
        Future<String> f = loop.runSync(() -> Future.of(readLine(stream, log)));
        assertTrue(f.cancel());
        runUntilDone(loop, f);
        assertTrue(f.isCancelled());
        assertEquals(List.of("read cancelled"), log);
        assertFalse(stream.isClosed(), "the stream stays open and usable after a cancelled read");
        OutputStream peer = accepted.get(0).getOutputStream();
        peer.write("hello\n".getBytes(StandardCharsets.US_ASCII));
        peer.flush();
        assertEquals("hello\n", loop.runSync(() -> readLine(stream, log), Duration.ofSeconds(10)));
        assertEquals(1, LoopCounters.activeHandlers(loop));
        stream.close();
        loop.runSync(Gen::moment);
        assertEquals(0, LoopCounters.activeHandlers(loop), "no channel of the stream is left on the loop");
    }

    @Coroutine
    static Future<HTTPResponse> fetch(AsyncHTTPClient client, String url, List<String> log) {
        try {
            return Future.of(await(client.fetch(url)));
        } finally {
            log.add("fetch finally");
        }
    }

    @Test
    void aCancelledFetchClosesItsConnectionAndRemovesItsTimer() throws Exception {
        List<String> log = new ArrayList<>();
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 4);
        Future<HTTPResponse> f = loop.runSync(() -> Future.of(fetch(client, "http://127.0.0.1:" + server.getLocalPort()
                + "/never", log)));
        spinUntil(() -> client.openConnections() == 1 && accepted.size() == 1);
        assertTrue(LoopCounters.pendingTimers(loop) >= 1);
        assertTrue(f.cancel());
        runUntilDone(loop, f);
        assertTrue(f.isCancelled());
        assertEquals(List.of("fetch finally"), log);
        spinUntil(() -> client.openConnections() == 0);
        assertEquals(0, client.idleConnections(), "the connection is closed, not returned to the pool");
        InputStream in = accepted.get(0).getInputStream();
        byte[] buf = new byte[4096];
        int n;
        do {
            n = in.read(buf);   // the request, then end of stream: the client closed the socket
        } while (n > 0);
        assertEquals(-1, n);
        assertEquals(0, LoopCounters.pendingTimers(loop), "the request timeout's timer is removed");
        assertEquals(0, LoopCounters.activeHandlers(loop), "no socket of the fetch is left on the loop");
        client.close();
    }

    @Coroutine
    static Future<String> onExecutor(ExecutorService ex, CountDownLatch started, CountDownLatch release,
            AtomicBoolean secondRan, List<String> log) {
        IOLoop loop = IOLoop.current();
        Future<String> first = loop.runInExecutor(ex, () -> {
            started.countDown();
            release.await();
            return "first";
        });
        Future<String> second = loop.runInExecutor(ex, () -> {
            secondRan.set(true);
            return "second";
        });
        try {
            return Future.of(await(first) + await(second));
        } catch (CancellationException e) {
            second.cancel();
            log.add("executor await cancelled; second cancelled: " + second.isCancelled());
            throw e;
        }
    }

    @Test
    void aCancelledExecutorAwaitDropsTheResultAndSkipsWorkNotStarted() throws Exception {
        List<String> log = new ArrayList<>();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean secondRan = new AtomicBoolean();
        try {
            CountDownLatch started = new CountDownLatch(1);
            Future<String> f = loop.runSync(() -> Future.of(onExecutor(ex, started, release, secondRan, log)));
            // Cancelled only once the first task runs: had it not started, the executor would skip it and could
            // start the second before the coroutine's catch block cancels that one.
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertTrue(f.cancel());
            runUntilDone(loop, f);
            assertTrue(f.isCancelled(), "the coroutine does not wait for the blocked thread");
            assertEquals(List.of("executor await cancelled; second cancelled: true"), log);
            release.countDown();
            ex.shutdown();
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
            loop.runSync(Gen::moment);
            assertFalse(secondRan.get(), "work cancelled before it started never runs");
        } finally {
            ex.shutdownNow();
        }
    }
}
