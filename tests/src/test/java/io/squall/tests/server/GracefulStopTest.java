package io.squall.tests.server;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;

/**
 * {@code HTTPServer.stop(Duration)} with real sockets and the real agent: requests in flight are answered,
 * idle keep-alive connections are closed, new connections are refused, a handler past the deadline is cut,
 * and the returned Future completes. Timing is never asserted beyond generous bounds.
 */
@Timeout(60)
class GracefulStopTest {
    static final AtomicInteger STARTED = new AtomicInteger();
    static final AtomicInteger CANCELLED = new AtomicInteger();
    static final CountDownLatch SLOW_STARTED = new CountDownLatch(1);
    static final CountDownLatch HALF_STARTED = new CountDownLatch(1);

    /** Answers after awaiting {@code Gen.sleep(2 s)}. */
    public static class SleepHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            STARTED.incrementAndGet();
            await(Gen.sleep(Duration.ofSeconds(2)));
            write("slept");
            return null;
        }
    }

    /** Answers after awaiting {@code Gen.sleep(500 ms)}. */
    public static class HalfHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            HALF_STARTED.countDown();
            await(Gen.sleep(Duration.ofMillis(500)));
            write("half");
            return null;
        }
    }

    /** Answers at once. */
    public static class QuickHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("quick");
            return null;
        }
    }

    /** Awaits a minute: longer than any grace period here; counts its cancellation. */
    public static class SlowHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            SLOW_STARTED.countDown();
            try {
                await(Gen.sleep(Duration.ofMinutes(1)));
            } catch (CancellationException e) {
                CANCELLED.incrementAndGet();
                throw e;
            }
            write("too late");
            return null;
        }
    }

    private static HTTPServer server() {
        return new HTTPServer(new Application(Application.route("/sleep", SleepHandler::new),
                Application.route("/quick", QuickHandler::new), Application.route("/slow", SlowHandler::new),
                Application.route("/half", HalfHandler::new)));
    }

    @Test
    void inFlightRequestsAreAnswered_idleClosed_newRefused_futureCompletes() throws Exception {
        HTTPServer server = server();
        server.bind(0, "127.0.0.1");
        server.start(2);
        int port = server.port();
        STARTED.set(0);
        List<HttpConn> idle = new ArrayList<>();
        List<HttpConn> inFlight = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) { // keep-alive connections that finished a request and wait for the next
                HttpConn c = new HttpConn(port);
                idle.add(c);
                HttpConn.Response r = c.get("/quick");
                assertEquals(200, r.status);
                assertEquals(null, r.header("Connection"), "keep-alive before the stop");
            }
            for (int i = 0; i < 200; i++) {
                inFlight.add(new HttpConn(port).send("/sleep"));
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (STARTED.get() < 200 && System.nanoTime() < waitUntil) {
                Thread.sleep(10);
            }
            assertEquals(200, STARTED.get(), "all 200 handlers are awaiting their sleep");
            Thread.sleep(500);

            long stopAt = System.nanoTime();
            Future<Void> stopped = server.stop(Duration.ofSeconds(30));

            assertThrows(ConnectException.class, () -> new HttpConn(port), "new connections are refused");
            for (HttpConn c : idle) {
                assertTrue(c.closedByServer(), "an idle keep-alive connection is closed");
            }
            if (System.nanoTime() - stopAt < TimeUnit.SECONDS.toNanos(1)) { // else the machine stalled: no verdict
                assertFalse(stopped.isDone(), "200 requests are still in flight");
            }
            for (HttpConn c : inFlight) {
                HttpConn.Response r = c.read();
                assertEquals(200, r.status, r.toString());
                assertEquals("slept", r.body);
                assertEquals("close", r.header("Connection"), "the last response on a stopping server");
                assertTrue(c.closedByServer(), "closed after its response");
            }
            stopped.toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(0, server.connectionCount());
            for (io.squall.IOLoop l : server.loops()) {
                assertTrue(l.isClosed(), "the server's loops ended");
            }
        } finally {
            server.stop();
            for (HttpConn c : idle) {
                c.close();
            }
            for (HttpConn c : inFlight) {
                c.close();
            }
        }
    }

    @Test
    void aHandlerPastTheDeadlineIsCut() throws Exception {
        HTTPServer server = server();
        server.bind(0, "127.0.0.1");
        server.start(1);
        CANCELLED.set(0);
        try (HttpConn slow = new HttpConn(server.port()).send("/slow");
                HttpConn quick = new HttpConn(server.port())) {
            assertTrue(SLOW_STARTED.await(30, TimeUnit.SECONDS), "the slow handler started");
            quick.send("/half"); // finishes well within the grace period
            assertTrue(HALF_STARTED.await(30, TimeUnit.SECONDS), "the half-second handler started");
            Future<Void> stopped = server.stop(Duration.ofSeconds(3));
            HttpConn.Response r = quick.read();
            assertEquals(200, r.status, "a request that fits in the grace period is answered");
            assertEquals("half", r.body);
            assertTrue(slow.closedByServer(), "the connection past the deadline is closed without an answer");
            stopped.toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(1, CANCELLED.get(), "the cut handler was cancelled at its await");
        } finally {
            server.stop();
        }
    }
}
