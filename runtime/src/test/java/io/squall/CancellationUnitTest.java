package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.squall.testing.AsyncTestCase;

/**
 * Cancellation without the agent: plain futures in a Scope, Gen.timeout and Gen.shield, what cancelled
 * awaitables give back (timers, executor work), and IOLoop.close() cancelling the futures of its timers.
 * (Coroutines themselves are tested with the agent in the tests module, io.squall.tests.cancel.)
 */
@org.junit.jupiter.api.Timeout(60)
class CancellationUnitTest extends AsyncTestCase {

    private void runUntilDone(Future<?> f) {
        runSync(() -> {
            Future<Void> done = new Future<>();
            f.addDoneCallback(x -> done.trySetResult(null));
            return done;
        });
    }

    @Test
    void aCancelledFutureCarriesACancellationWithoutAStackTrace() {
        Future<String> f = new Future<>();
        assertTrue(f.cancel());
        assertFalse(f.cancel());
        CancellationException e = assertInstanceOf(CancellationException.class, f.exception());
        assertEquals(0, e.getStackTrace().length, "cheap: no trace of the canceller");
        e.addSuppressed(new IllegalStateException("kept"));
        assertEquals(1, e.getSuppressed().length);
    }

    @Test
    void aCancelledSleepRemovesItsTimer() {
        Future<Void> f = runSync(() -> Future.of(Gen.sleep(Duration.ofHours(1))));
        assertEquals(1, loop.pendingTimers());
        f.cancel();
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void theFirstFailureInAScopeCancelsTheOthers() {
        List<Future<Integer>> children = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        Future<Integer> scope = Scope.run(s -> {
            for (int i = 0; i < 5; i++) {
                children.add(s.spawn(Future::new));
            }
            children.add(s.spawn(() -> Future.failed(boom)));
            return new Future<>();
        });
        assertTrue(scope.isDone());
        assertSame(boom, scope.exception());
        for (int i = 0; i < 5; i++) {
            assertTrue(children.get(i).isCancelled());
        }
    }

    @Test
    void aScopeWaitsForItsChildrenAndCancellingItCancelsThem() {
        Future<Integer> child = new Future<>();
        Future<String> body = new Future<>();
        Future<String> scope = Scope.run(s -> {
            s.spawn(() -> child);
            return body;
        });
        body.setResult("body");
        assertFalse(scope.isDone(), "a child never outlives its scope");
        child.setResult(1);
        assertEquals("body", scope.result());

        Future<Integer> c2 = new Future<>();
        AtomicReference<Future<Object>> failed = new AtomicReference<>();
        Future<String> s2 = Scope.supervisor(s -> {
            s.spawn(() -> c2);
            failed.set(s.spawn(() -> Future.failed(new IllegalArgumentException("stays with the child"))));
            return new Future<>();
        });
        assertFalse(c2.isDone(), "a supervisor cancels nothing on a child's failure");
        assertEquals("stays with the child", failed.get().exception().getMessage());
        assertTrue(s2.cancel());
        assertTrue(c2.isCancelled());
        assertTrue(s2.isCancelled());
        assertFalse(s2.cancel());
    }

    @Test
    void genTimeoutCancelsTheInnerFutureAndRemovesItsTimer() {
        Future<String> inner = new Future<>();
        Future<String> f = runSync(() -> Future.of(Gen.timeout(Duration.ofMillis(5), () -> inner)));
        runUntilDone(f);
        assertInstanceOf(TimeoutException.class, f.exception());
        assertTrue(inner.isCancelled());
        assertEquals(0, loop.pendingTimers());

        Future<String> inner2 = new Future<>();
        Future<String> g = runSync(() -> Future.of(Gen.timeout(Duration.ofHours(1), () -> inner2)));
        assertTrue(g.cancel());
        assertTrue(inner2.isCancelled());
        assertTrue(g.isCancelled());
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void aShieldFollowsButIsNotCancelledThrough() {
        Future<String> inner = new Future<>();
        Future<String> shield = Gen.shield(inner);
        assertTrue(shield.cancel());
        assertFalse(inner.isDone());
        Future<String> inner2 = new Future<>();
        Future<String> shield2 = Gen.shield(inner2);
        inner2.setResult("v");
        assertEquals("v", shield2.result());
    }

    @Test
    void executorWorkCancelledBeforeItStartsNeverRuns() throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean secondRan = new AtomicBoolean();
            Future<String> first = loop.runInExecutor(ex, () -> {
                release.await();
                return "first";
            });
            Future<String> second = loop.runInExecutor(ex, () -> {
                secondRan.set(true);
                return "second";
            });
            assertTrue(second.cancel());
            assertTrue(first.cancel());
            release.countDown();
            ex.shutdown();
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
            runSync(Gen::moment);
            assertFalse(secondRan.get());
            assertTrue(first.isCancelled(), "the running task's result is dropped");
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void closingTheLoopCancelsTheFuturesOfItsSleepsAndMoments() {
        AtomicReference<Future<Void>> sleep = new AtomicReference<>();
        loop.runSync(() -> {
            sleep.set(Gen.sleep(Duration.ofHours(1)));
            return Future.of(null);
        });
        Future<Void> moment = Gen.moment();
        loop.close();
        assertTrue(sleep.get().isCancelled());
        assertTrue(moment.isCancelled());
    }
}
