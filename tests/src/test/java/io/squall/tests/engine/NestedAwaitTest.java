package io.squall.tests.engine;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
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
import io.squall.annotations.Coroutine;

/**
 * The await engine's direct path for a coroutine awaiting a coroutine of its own loop: the waiter is parked on
 * the awaited coroutine's Future without an atomic instruction and resumed right after that coroutine's last
 * step; a cancellation request and the body's completion are decided by one compare-and-set. These tests pin
 * the cases that path must still get right: completion from another thread, a cancel racing the completion,
 * callbacks added after the waiter, and the coroutine table's reuse of finished entries.
 */
@Timeout(60)
class NestedAwaitTest {
    private IOLoop loop;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        loop = new IOLoop();
        loop.makeCurrent();
        pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nested-await-test-worker");
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

    static final class Shapes {
        @Coroutine
        static Future<Integer> waitFor(Future<Integer> f) {
            return Future.of(await(f));
        }

        @Coroutine
        static Future<Integer> plusOne(Future<Integer> inner, AtomicReference<Thread> resumedOn) {
            int v = await(inner);
            resumedOn.set(Thread.currentThread());
            return Future.of(v + 1);
        }

        @Coroutine
        static Future<Integer> nested(int depth, Future<Integer> leaf) {
            int v = depth == 0 ? await(leaf) : await(nested(depth - 1, leaf));
            return Future.of(v + 1);
        }

        @Coroutine
        static Future<Integer> plusOneLogged(Future<Integer> inner, List<String> log) {
            int v = await(inner);
            log.add("waiter resumed with " + v);
            return Future.of(v + 1);
        }
    }

    @Test
    void aCoroutineFutureCompletedFromAnotherThreadResumesItsParkedWaiterOnTheLoop() {
        Future<Integer> never = new Future<>();
        AtomicReference<Thread> resumedOn = new AtomicReference<>();
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        int result = loop.runSync(() -> {
            loopThread.set(Thread.currentThread());
            Future<Integer> inner = Shapes.waitFor(never);
            Future<Integer> outer = Shapes.plusOne(inner, resumedOn);
            pool.execute(() -> inner.setResult(41));
            return outer;
        }, Duration.ofSeconds(30));
        assertEquals(42, result);
        assertSame(loopThread.get(), resumedOn.get(), "the waiter resumes on its own loop's thread");
        assertFalse(never.isDone());
    }

    @Test
    void cancelRacingTheCompletionEndsCancelledWheneverItReturnsTrue() throws Exception {
        // Which side wins a round is the scheduler's choice: each round checks the outcome cancel() announced.
        for (int round = 0; round < 300; round++) {
            Future<Integer> leaf = new Future<>();
            AtomicReference<Thread> resumedOn = new AtomicReference<>();
            List<Future<Integer>> coroutines = new ArrayList<>();
            loop.runSync(() -> {
                Future<Integer> inner = Shapes.waitFor(leaf);
                coroutines.add(inner);
                coroutines.add(Shapes.plusOne(inner, resumedOn));
                return null;
            });
            Future<Integer> inner = coroutines.get(0);
            Future<Integer> outer = coroutines.get(1);
            CyclicBarrier both = new CyclicBarrier(2);
            AtomicBoolean cancelReturned = new AtomicBoolean();
            java.util.concurrent.Future<?> canceller = pool.submit(() -> {
                both.await();
                cancelReturned.set(inner.cancel());
                return null;
            });
            int value = round;
            loop.runSync(() -> {
                try {
                    both.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                leaf.setResult(value);
                return null;
            });
            canceller.get(10, TimeUnit.SECONDS);
            while (!outer.isDone()) {
                loop.runSync(Gen::moment);
            }
            assertTrue(inner.isDone());
            if (cancelReturned.get()) {
                assertTrue(inner.isCancelled(), "cancel() returned true, so the coroutine ends cancelled");
                assertTrue(outer.exception() instanceof java.util.concurrent.CancellationException,
                        "the waiter's await threw the cancellation");
            } else {
                assertEquals(round, inner.result(), "cancel() returned false: the body had completed");
                assertEquals(round + 1, outer.result());
            }
        }
    }

    @Test
    void aCoroutineWhoseCancellationIsRequestedCannotBeCompletedFromOutside() {
        Future<Integer> never = new Future<>();
        Future<Integer> c = loop.runSync(() -> Future.of(Shapes.waitFor(never)));
        assertTrue(c.cancel());
        assertFalse(c.trySetResult(5), "the request is pending: only the unwinding body completes the Future");
        assertFalse(c.isDone());
        while (!c.isDone()) {
            loop.runSync(Gen::moment);
        }
        assertTrue(c.isCancelled());
        assertTrue(never.isCancelled());
    }

    @Test
    void aCallbackAddedAfterTheParkedWaiterRunsAtTheCompletionAndTheWaiterResumesAfter() {
        Future<Integer> leaf = new Future<>();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        int result = loop.runSync(() -> {
            Future<Integer> inner = Shapes.waitFor(leaf);
            Future<Integer> outer = Shapes.plusOneLogged(inner, log);
            inner.addDoneCallback(f -> log.add("callback saw " + f.result()));
            loop.addCallback(() -> leaf.setResult(7));
            return outer;
        }, Duration.ofSeconds(30));
        assertEquals(8, result);
        assertEquals(List.of("callback saw 7", "waiter resumed with 7"), log);
    }

    @Test
    void theDumpFindsTheCoroutinesParkedOnAChainThroughTheOneTheyAwait() {
        // Only the innermost is listed in the loop's table (it awaits a plain future); the 49 others are parked
        // on the Future of the one they await, and the dump finds them through it.
        Future<Integer> leaf = new Future<>();
        Future<Integer> outer = loop.runSync(() -> Future.of(Shapes.nested(49, leaf)));
        assertEquals(50, loop.suspendedCoroutines().size());
        io.squall.CoroutineDump dump = loop.dumpCoroutines();
        assertEquals(50, dump.coroutines().size());
        int longest = 0;
        for (io.squall.CoroutineDump.Entry e : dump.coroutines()) {
            longest = Math.max(longest, e.awaitedBy().size());
        }
        assertEquals(49, longest, "the innermost is awaited by the 49 others, in a chain");
        loop.runSync(() -> {
            loop.addCallback(() -> leaf.setException(new IllegalStateException("boom")));
            return Gen.moment();
        });
        while (!outer.isDone()) {
            loop.runSync(Gen::moment);
        }
        assertTrue(outer.exception() instanceof IllegalStateException, "the failure went up the whole chain");
        // On the way up each waiter went through the queue, listed first: all left the table again.
        assertEquals(0, loop.suspendedCoroutines().size());
        assertEquals(0, loop.dumpCoroutines().coroutines().size());
    }

    @Test
    void theDumpListsExactlyTheSuspendedCoroutinesAfterFinishedOnesLeftHoles() {
        List<Future<Integer>> leaves = new ArrayList<>();
        List<Future<Integer>> coroutines = new ArrayList<>();
        loop.runSync(() -> {
            for (int i = 0; i < 100; i++) {
                Future<Integer> leaf = new Future<>();
                leaves.add(leaf);
                coroutines.add(Shapes.waitFor(leaf));
            }
            return null;
        });
        assertEquals(100, loop.dumpCoroutines().coroutines().size());
        loop.runSync(() -> {
            for (int i = 0; i < 100; i += 2) {
                leaves.get(i).setResult(i);
            }
            return Gen.moment();
        });
        for (int i = 0; i < 100; i += 2) {
            assertEquals(i, coroutines.get(i).result());
        }
        assertEquals(50, loop.suspendedCoroutines().size());
        assertEquals(50, loop.dumpCoroutines().coroutines().size());
        loop.runSync(() -> {
            for (int i = 0; i < 30; i++) {
                Future<Integer> leaf = new Future<>();
                leaves.add(leaf);
                coroutines.add(Shapes.waitFor(leaf));
            }
            return null;
        });
        assertEquals(80, loop.suspendedCoroutines().size());
        assertEquals(80, loop.dumpCoroutines().coroutines().size());
        loop.runSync(() -> {
            for (Future<Integer> leaf : leaves) {
                leaf.trySetResult(-1);
            }
            return Gen.moment();
        });
        assertEquals(0, loop.suspendedCoroutines().size());
        assertEquals(0, loop.dumpCoroutines().coroutines().size());
    }
}
