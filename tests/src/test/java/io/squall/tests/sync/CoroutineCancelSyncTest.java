package io.squall.tests.sync;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.sync.Lock;
import io.squall.sync.Queue;
import io.squall.sync.Releaser;
import io.squall.sync.Semaphore;

/** Cancelling a coroutine suspended on a sync primitive removes its waiter: nothing is handed to it. */
@Timeout(60)
class CoroutineCancelSyncTest {
    private final IOLoop loop = new IOLoop();
    private final List<String> history = new ArrayList<>();

    @BeforeEach
    void start() {
        loop.makeCurrent();
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Coroutine
    private Future<Void> critical(Lock lock, String name) {
        try (Releaser r = await(lock.acquire())) {
            history.add(name + " got the lock");
        } finally {
            history.add(name + " unwound");
        }
        return null;
    }

    @Test
    void cancellingACoroutineWaitingForALockRemovesItsWaiter() {
        Lock lock = new Lock();
        List<Future<Void>> fs = new ArrayList<>();
        loop.runSync(() -> {
            lock.acquire();
            fs.add(critical(lock, "a"));
            fs.add(critical(lock, "b"));
            fs.add(critical(lock, "c"));
            return Gen.moment();
        }, Duration.ofSeconds(10));
        assertEquals("Lock[locked,waiters:3]", lock.toString());
        loop.runSync(() -> {
            assertTrue(fs.get(1).cancel());
            return Gen.moment();
        }, Duration.ofSeconds(10));
        assertEquals("Lock[locked,waiters:2]", lock.toString(), "b's waiter left with the cancellation");
        loop.runSync(() -> {
            lock.release();
            return Gen.multi(List.of(fs.get(0), fs.get(2)));
        }, Duration.ofSeconds(10));
        assertTrue(fs.get(1).isCancelled());
        assertEquals(List.of("b unwound", "a got the lock", "a unwound", "c got the lock", "c unwound"), history);
        assertFalse(lock.isLocked());
    }

    @Coroutine
    private Future<String> take(Queue<String> q) {
        return Future.of(await(q.get()));
    }

    @Test
    void aCancelledGetterCoroutineTakesNoItem() {
        Queue<String> q = new Queue<>();
        List<Future<String>> fs = new ArrayList<>();
        loop.runSync(() -> {
            fs.add(take(q));
            fs.add(take(q));
            return Gen.moment();
        }, Duration.ofSeconds(10));
        fs.get(0).cancel();
        String got = loop.runSync(() -> {
            q.putNowait("item");
            return fs.get(1);
        }, Duration.ofSeconds(10));
        assertEquals("item", got);
        assertTrue(fs.get(0).isCancelled());
        assertTrue(q.empty());
    }

    @Coroutine
    private Future<Integer> withPermit(Semaphore sem) {
        try (Releaser r = await(sem.acquire())) {
            return Future.of(1);
        }
    }

    @Test
    void genTimeoutOnASemaphoreWaitLeaksNoPermit() {
        Semaphore sem = new Semaphore(0);
        assertThrows(TimeoutException.class, () -> loop.runSync(
                () -> Gen.timeout(Duration.ofMillis(10), () -> withPermit(sem)), Duration.ofSeconds(10)));
        assertEquals("Semaphore[locked]", sem.toString(), "the timed-out coroutine's waiter is gone");
        sem.release();
        assertEquals(1, sem.value(), "the permit was not handed to the dead waiter");
    }
}
