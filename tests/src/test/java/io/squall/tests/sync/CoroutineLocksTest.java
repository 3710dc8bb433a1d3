package io.squall.tests.sync;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;
import io.squall.sync.Condition;
import io.squall.sync.Event;
import io.squall.sync.Lock;
import io.squall.sync.Queue;
import io.squall.sync.Releaser;
import io.squall.sync.Semaphore;

/** The sync primitives awaited from real coroutines (the agent's rewrite): Tornado's coroutine cases. */
@Timeout(60)
class CoroutineLocksTest {
    private final IOLoop loop = new IOLoop();
    private final List<String> history = new ArrayList<>();

    @BeforeEach
    void start() {
        loop.makeCurrent();
    }

    @AfterEach
    void stop() {
        loop.close();
        assertEquals(0, SquallAgent.verifyFailures(), "rewritten classes pass verification");
    }

    @Coroutine
    private Future<Void> holdLock(Lock lock, int index) {
        try (Releaser r = await(lock.acquire())) {
            history.add("acquired " + index);
            await(Gen.sleep(Duration.ofMillis(2)));
            history.add("release " + index);
        }
        return null;
    }

    @Test
    void coroutinesGetTheLockInFifoOrderAndTryWithResourcesReleasesIt() {
        Lock lock = new Lock();
        List<Future<Void>> all = new ArrayList<>();
        loop.runSync(() -> {
            for (int i = 0; i < 5; i++) {
                all.add(holdLock(lock, i));
            }
            return Gen.multi(all);
        }, Duration.ofSeconds(20));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add("acquired " + i);
            expected.add("release " + i);
        }
        assertEquals(expected, history);
        assertFalse(lock.isLocked());
    }

    @Coroutine
    private Future<String> acquireWithin(Lock lock, Duration d) {
        try (Releaser r = await(lock.acquire(d))) {
            return Future.of("acquired");
        } catch (Exception e) {
            if (!(e instanceof TimeoutException)) {
                throw e;
            }
            return Future.of("timed out: " + e.getMessage());
        }
    }

    @Test
    void aTimedOutAcquireIsCaughtAtTheAwait() {
        Lock lock = new Lock();
        String r = loop.runSync(() -> {
            lock.acquire();
            return acquireWithin(lock, Duration.ofMillis(10));
        }, Duration.ofSeconds(20));
        assertTrue(r.startsWith("timed out: Lock.acquire(timeout)"), r);
        assertTrue(lock.isLocked());
    }

    @Coroutine
    private Future<String> holdWhenGranted(Future<Releaser> waiter) {
        try (Releaser r = await(waiter)) {
            return Future.of("acquired");
        } catch (CancellationException e) {
            return Future.of("cancelled at the await");
        }
    }

    @Test
    void cancellingTheAwaitedWaiterResumesTheCoroutineAndSkipsIt() {
        Lock lock = new Lock();
        List<Future<String>> results = new ArrayList<>();
        List<Future<Releaser>> waiters = new ArrayList<>();
        loop.runSync(() -> {
            lock.acquire();
            for (int i = 0; i < 3; i++) {
                waiters.add(lock.acquire());
                results.add(holdWhenGranted(waiters.get(i)));
            }
            return Gen.moment();
        }, Duration.ofSeconds(20));
        assertEquals("Lock[locked,waiters:3]", lock.toString());
        // What cancelling a coroutine does to the future it awaits: the waiter leaves at once.
        waiters.get(1).cancel();
        assertEquals("Lock[locked,waiters:2]", lock.toString());
        loop.runSync(() -> {
            lock.release();
            return Gen.multi(results);
        }, Duration.ofSeconds(20));
        assertEquals(List.of("acquired", "cancelled at the await", "acquired"),
                List.of(results.get(0).result(), results.get(1).result(), results.get(2).result()));
        assertFalse(lock.isLocked(), "the cancelled waiter was never handed the lock, none leaked");
    }

    @Coroutine
    private Future<Integer> limited(Semaphore sem, int[] running, int[] max) {
        try (Releaser r = await(sem.acquire())) {
            running[0]++;
            max[0] = Math.max(max[0], running[0]);
            await(Gen.sleep(Duration.ofMillis(3)));
            running[0]--;
        }
        return Future.of(1);
    }

    @Test
    void aSemaphoreBoundsConcurrentCoroutines() {
        Semaphore sem = new Semaphore(3);
        int[] running = new int[1];
        int[] max = new int[1];
        List<Integer> done = loop.runSync(() -> {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                fs.add(limited(sem, running, max));
            }
            return Gen.multi(fs);
        }, Duration.ofSeconds(20));
        assertEquals(12, done.size());
        assertEquals(3, max[0]);
        assertEquals(3, sem.value());
    }

    @Coroutine
    private Future<String> waiter(Event ready, Condition changed) {
        await(ready.waitFor());
        boolean signalled = await(changed.waitFor(Duration.ofMillis(10)));
        return Future.of("event set, condition " + (signalled ? "signalled" : "timed out"));
    }

    @Test
    void eventAndConditionFromACoroutine() {
        Event ready = new Event();
        Condition changed = new Condition();
        String r = loop.runSync(() -> {
            Future<String> f = waiter(ready, changed);
            loop.callLater(Duration.ofMillis(2), ready::set);
            return f;
        }, Duration.ofSeconds(20));
        assertEquals("event set, condition timed out", r);
    }

    @Coroutine
    private Future<List<Integer>> producerConsumer(Queue<Integer> q) {
        List<Integer> got = new ArrayList<>();
        loop.spawnCallback(() -> consume(q, got));
        for (int i = 0; i < 10; i++) {
            await(q.put(i));
        }
        await(q.join());
        return Future.of(got);
    }

    @Coroutine
    private Future<Void> consume(Queue<Integer> q, List<Integer> got) {
        while (true) {
            got.add(await(q.get()));
            q.taskDone();
        }
    }

    @Test
    void tornadosProducerConsumerWithoutAYieldBetweenGetAndTaskDone() {
        List<Integer> got = loop.runSync(() -> producerConsumer(new Queue<>(3)), Duration.ofSeconds(20));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got);
    }
}
