package io.squall.tests.cancel;

import static io.squall.Async.await;
import static io.squall.tests.cancel.RunUntilDone.runUntilDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * Cancellation reaches the suspended await (API.md "Cancellation and scopes"), with the real agent: the
 * await throws CancellationException on the coroutine's loop, catch/finally run, chains unwind innermost
 * first, the request is level-triggered, shields are waited for, and cancel() racing completion has one
 * outcome.
 */
@Timeout(60)
class CancellationTest {
    private static final Duration LONG = Duration.ofHours(1);

    private IOLoop loop;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        loop = new IOLoop();
        loop.makeCurrent();
        pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cancel-test-worker");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        loop.close();
    }


    /** Lets the loop run one short while, so coroutines reach their first real suspension. */
    private void spin() {
        loop.runSync(() -> Gen.moment());
    }

    // ---- shapes

    @Coroutine
    static Future<String> sleeper(List<String> log, Duration d) {
        try {
            await(Gen.sleep(d));
            log.add("woke");
            return Future.of("woke");
        } catch (CancellationException e) {
            log.add("caught on " + Thread.currentThread().getName());
            throw e;
        } finally {
            log.add("finally");
        }
    }

    @Coroutine
    static Future<Integer> link(String name, Future<Integer> inner, List<String> log) {
        try {
            return Future.of(await(inner) + 1);
        } finally {
            log.add(name);
        }
    }

    @Coroutine
    static Future<Integer> chain(Future<Integer> leaf, List<String> log) {
        Future<Integer> c = link("C", leaf, log);
        Future<Integer> b = link("B", c, log);
        return Future.of(await(link("A", b, log)));
    }

    // ---- tests

    @Test
    void cancelThrowsAtTheSuspendedAwaitOnTheLoopAndRemovesTheTimer() {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.runSync(() -> Future.of(sleeper(log, LONG)));
        assertEquals(1, LoopCounters.pendingTimers(loop));
        assertFalse(f.isDone());
        assertTrue(f.cancel());
        assertFalse(f.isDone(), "done only once the body has unwound on its loop");
        runUntilDone(loop, f);
        assertTrue(f.isCancelled());
        assertEquals(List.of("caught on " + Thread.currentThread().getName(), "finally"), log);
        assertEquals(0, LoopCounters.pendingTimers(loop), "the sleep's timer is removed from the loop");
        assertFalse(f.cancel(), "cancel() on a finished coroutine returns false");
    }

    @Test
    void aChainUnwindsInnermostFirst() {
        List<String> log = new ArrayList<>();
        Future<Integer> leaf = new Future<>();
        Future<Integer> a = loop.runSync(() -> Future.of(chain(leaf, log)));
        assertTrue(a.cancel());
        runUntilDone(loop, a);
        assertTrue(a.isCancelled());
        assertTrue(leaf.isCancelled(), "cancellation goes down to the future the innermost coroutine awaits");
        assertEquals(List.of("C", "B", "A"), log);
    }

    @Test
    void anExceptionThrownWhileUnwindingIsSuppressedOnTheCancellation() {
        Future<Void> f = loop.runSync(() -> Future.of(throwsInFinally()));
        f.cancel();
        runUntilDone(loop, f);
        assertTrue(f.isCancelled());
        Throwable[] suppressed = f.exception().getSuppressed();
        assertEquals(1, suppressed.length);
        assertInstanceOf(java.io.UncheckedIOException.class, suppressed[0]);
        assertEquals("cleanup failed", suppressed[0].getCause().getMessage());
    }

    @Coroutine
    static Future<Void> throwsInFinally() {
        try {
            await(Gen.sleep(LONG));
        } finally {
            throw new java.io.UncheckedIOException(new IOException("cleanup failed"));
        }
    }

    @Coroutine
    @SuppressWarnings("squall:swallowed-cancellation") static Future<List<String>> swallower(AtomicReference<Future<?>> self, List<String> log) {
        try {
            await(Gen.sleep(LONG));
        } catch (CancellationException swallowed) {
            log.add("swallowed");
        }
        log.add("done value " + await(Future.of(7)));
        try {
            await(Gen.sleep(LONG));
            log.add("slept again?!");
        } catch (CancellationException again) {
            log.add("thrown again at once");
        }
        String cleaned = await(Gen.shield(cleanup()));
        log.add(cleaned);
        return Future.of(log);
    }

    @Coroutine
    static Future<String> cleanup() {
        await(Gen.sleep(Duration.ofMillis(5)));
        return Future.of("shielded cleanup ran");
    }

    @Test
    void cancellationIsLevelTriggeredAndAShieldIsWaitedFor() {
        List<String> log = new ArrayList<>();
        AtomicReference<Future<?>> self = new AtomicReference<>();
        Future<List<String>> f = loop.runSync(() -> Future.of(swallower(self, log)));
        assertTrue(f.cancel());
        runUntilDone(loop, f);
        assertEquals(List.of("swallowed", "done value 7", "thrown again at once", "shielded cleanup ran"), log);
        assertTrue(f.isCancelled(), "a body that swallows the cancellation and returns still ends cancelled");
        assertTrue(f.exception().getMessage().contains("result is dropped"), f.exception().getMessage());
        assertEquals(0, LoopCounters.pendingTimers(loop));
    }

    @Coroutine
    static Future<String> cancelsItself(AtomicReference<Future<String>> self, List<String> log) {
        await(Gen.moment());
        log.add("cancel() while running: " + self.get().cancel());
        log.add("second cancel(): " + self.get().cancel());
        log.add("done future still returns " + await(Future.of("x")));
        try {
            await(Gen.moment());
        } catch (CancellationException e) {
            log.add("next pending await throws");
            throw e;
        }
        return Future.of("not reached");
    }

    @Test
    void aRunningCoroutineIsCancelledAtItsNextAwaitOfAPendingFuture() {
        List<String> log = new ArrayList<>();
        AtomicReference<Future<String>> self = new AtomicReference<>();
        Future<String> f = loop.runSync(() -> {
            Future<String> c = cancelsItself(self, log);
            self.set(c);
            return Future.of(c);
        });
        runUntilDone(loop, f);
        assertTrue(f.isCancelled());
        assertEquals(List.of("cancel() while running: true", "second cancel(): true", "done future still returns x",
                "next pending await throws"), log);
    }

    @Coroutine
    static Future<String> awaitsShield(Future<String> slow, List<String> log) {
        String v = await(Gen.shield(slow));
        log.add("shield gave " + v);
        try {
            await(Gen.moment());
        } catch (CancellationException e) {
            log.add("then cancelled");
            throw e;
        }
        return Future.of(v);
    }

    @Test
    void aCoroutineCancelledWhileAwaitingAShieldWaitsForIt() {
        List<String> log = new ArrayList<>();
        Future<String> slow = new Future<>();
        Future<String> f = loop.runSync(() -> Future.of(awaitsShield(slow, log)));
        assertTrue(f.cancel());
        spin();
        assertFalse(slow.isCancelled(), "the shielded future is not cancelled");
        assertFalse(f.isDone());
        slow.setResult("slow result");
        runUntilDone(loop, f);
        assertTrue(f.isCancelled());
        assertEquals(List.of("shield gave slow result", "then cancelled"), log);

        Future<String> inner = new Future<>();
        Future<String> shield = Gen.shield(inner);
        assertTrue(shield.cancel());
        assertFalse(inner.isDone(), "cancelling the shield itself does not cancel what it shields");
    }

    @Test
    void cancelFromAnotherThreadIsPostedToTheLoop() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Future<String> f = loop.runSync(() -> Future.of(sleeper(log, LONG)));
        AtomicBoolean answer = new AtomicBoolean();
        Thread other = new Thread(() -> answer.set(f.cancel()), "other-thread");
        other.start();
        other.join();
        assertTrue(answer.get());
        runUntilDone(loop, f);
        assertTrue(f.isCancelled());
        assertEquals(List.of("caught on " + Thread.currentThread().getName(), "finally"), log,
                "the body unwinds on its own loop's thread, not the canceller's");
    }

    @Coroutine
    static Future<Integer> awaitsThenAdds(Future<Integer> f, AtomicInteger finallies) {
        try {
            int v = await(f);
            return Future.of(v + 1);
        } finally {
            finallies.incrementAndGet();
        }
    }

    /**
     * cancel() from one thread races the awaited future's completion from another: true means the coroutine
     * ends cancelled, false means it completed with the value; the body unwinds exactly once.
     */
    @Test
    void cancelRacingCompletionHasExactlyOneOutcome() throws Exception {
        int rounds = 3000;
        int cancelled = 0;
        int completed = 0;
        CyclicBarrier start = new CyclicBarrier(2);
        for (int i = 0; i < rounds; i++) {
            Future<Integer> awaited = new Future<>();
            AtomicInteger finallies = new AtomicInteger();
            Future<Integer> f = loop.runSync(() -> Future.of(awaitsThenAdds(awaited, finallies)));
            java.util.concurrent.Future<Boolean> canceller = pool.submit(() -> {
                start.await();
                return f.cancel();
            });
            java.util.concurrent.Future<?> completer = pool.submit(() -> {
                start.await();
                return awaited.trySetResult(41);
            });
            boolean wasCancelled = canceller.get(10, TimeUnit.SECONDS);
            completer.get(10, TimeUnit.SECONDS);
            runUntilDone(loop, f);
            if (wasCancelled) {
                assertTrue(f.isCancelled(), "round " + i + ": cancel() returned true but " + f);
                cancelled++;
            } else {
                assertEquals(42, f.result(), "round " + i);
                completed++;
            }
            assertEquals(1, finallies.get(), "round " + i);
        }
        assertEquals(rounds, cancelled + completed);
        System.out.println("cancel() vs completion from two threads, " + rounds + " rounds: " + cancelled
                + " ended cancelled, " + completed + " completed");
    }

    @Test
    void cancelRacingTheBodyFinishingOnTheLoopHasExactlyOneOutcome() throws Exception {
        int rounds = 2000;
        int cancelled = 0;
        int completed = 0;
        for (int i = 0; i < rounds; i++) {
            AtomicInteger finallies = new AtomicInteger();
            Future<Integer> awaited = new Future<>();
            Future<Integer> f = loop.runSync(() -> Future.of(awaitsThenAdds(awaited, finallies)));
            CountDownLatch go = new CountDownLatch(1);
            java.util.concurrent.Future<Boolean> canceller = pool.submit(() -> {
                go.await();
                return f.cancel();
            });
            loop.runSync(() -> {
                go.countDown();
                awaited.setResult(1);
                return Gen.moment();
            });
            boolean wasCancelled = canceller.get(10, TimeUnit.SECONDS);
            runUntilDone(loop, f);
            if (wasCancelled) {
                assertTrue(f.isCancelled(), "round " + i + ": cancel() returned true but " + f);
                cancelled++;
            } else {
                assertEquals(2, f.result(), "round " + i);
                completed++;
            }
            assertEquals(1, finallies.get());
        }
        System.out.println("cancel() from another thread vs the body finishing on the running loop, " + rounds
                + " rounds: " + cancelled + " ended cancelled, " + completed + " completed");
    }

    @Test
    void cancelOfADoneCoroutineReturnsFalseAndItsValueStays() {
        Future<Integer> awaited = new Future<>();
        Future<Integer> f = loop.runSync(() -> Future.of(awaitsThenAdds(awaited, new AtomicInteger())));
        awaited.setResult(1);
        runUntilDone(loop, f);
        assertFalse(f.cancel());
        assertEquals(2, f.result());
    }

    @Test
    void awaitingACancelledCoroutineThrowsCancellationInTheAwaiter() {
        List<String> log = new ArrayList<>();
        Future<String> inner = loop.runSync(() -> Future.of(sleeper(log, LONG)));
        Future<String> outer = loop.runSync(() -> Future.of(awaiter(inner)));
        inner.cancel();
        runUntilDone(loop, outer);
        assertEquals("outer saw CancellationException", outer.result());
    }

    @Coroutine
    @SuppressWarnings("squall:swallowed-cancellation") static Future<String> awaiter(Future<String> inner) {
        try {
            return Future.of(await(inner));
        } catch (CancellationException e) {
            return Future.of("outer saw CancellationException");
        }
    }

    @Test
    void theCancellationThrownIsTheOneTheFutureEndsWith() {
        Future<Void> f = loop.runSync(() -> Future.of(rethrows()));
        f.cancel();
        runUntilDone(loop, f);
        Throwable e = f.exception();
        assertInstanceOf(CancellationException.class, e);
        CancellationException thrown = assertThrows(CancellationException.class, f::result);
        assertSame(e, thrown);
    }

    @Coroutine
    static Future<Void> rethrows() {
        await(Gen.sleep(LONG));
        return null;
    }
}
