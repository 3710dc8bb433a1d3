package io.squall.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.squall.Future;

/** A primitive belongs to the loop thread that first uses it; other threads are refused, and may cancel. */
@org.junit.jupiter.api.Timeout(60)
class ThreadAffinityTest extends SyncTestCase {

    private static Throwable onAnotherThread(String name, Runnable r) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, name);
        t.start();
        t.join();
        return thrown.get();
    }

    @Test
    void aCallFromAnotherThreadIsRefusedNamingBothThreads() throws InterruptedException {
        Lock lock = new Lock();
        lock.acquire();
        String owner = Thread.currentThread().getName();
        Throwable e = onAnotherThread("intruder", lock::release);
        assertTrue(e instanceof IllegalStateException, String.valueOf(e));
        assertTrue(e.getMessage().contains("'intruder'") && e.getMessage().contains("'" + owner + "'")
                && e.getMessage().contains("Lock.release()"), e.getMessage());
        assertTrue(lock.isLocked(), "the refused call changed nothing");
        for (Runnable call : List.<Runnable>of(lock::acquire, lock::isLocked, () -> lock.acquire(Duration.ZERO))) {
            assertTrue(onAnotherThread("intruder", call) instanceof IllegalStateException);
        }
    }

    @Test
    void everyPrimitiveRefusesOtherThreads() throws InterruptedException {
        Semaphore sem = new Semaphore(1);
        Event event = new Event();
        Condition cond = new Condition();
        Queue<String> q = new Queue<>();
        sem.value();
        sem.release();
        event.clear();
        cond.signal();
        q.putNowait("x");
        List<Runnable> calls = List.of(sem::acquire, sem::release, sem::value, event::set, event::waitFor,
                event::isSet, cond::waitFor, cond::signalAll, () -> q.put("y"), q::get, q::getNowait, q::taskDone,
                q::join, q::qsize, q::empty, q::full);
        for (Runnable call : calls) {
            Throwable e = onAnotherThread("other", call);
            assertTrue(e instanceof IllegalStateException, "expected a refusal, got " + e);
        }
        assertEquals(1, q.qsize());
        assertEquals(2, sem.value());
    }

    @Test
    void thePrimitiveBelongsToTheFirstThreadThatUsesItNotTheOneThatMadeIt() throws InterruptedException {
        Lock[] made = new Lock[1];
        assertEquals(null, onAnotherThread("maker", () -> made[0] = new Lock()));
        assertTrue(made[0].acquire().isDone(), "this thread used it first, so it owns it");
        made[0].release();
        assertTrue(onAnotherThread("maker", made[0]::acquire) instanceof IllegalStateException);
    }

    @Test
    void readingFromAMonitorThreadFirstDoesNotStealTheQueue() throws InterruptedException {
        Queue<Integer> q = new Queue<>();
        assertEquals(null, onAnotherThread("monitor", q::qsize), "nobody owns it yet: reading is allowed");
        q.putNowait(1); // this thread claims it now
        assertEquals(1, q.getNowait());
    }

    @Test
    void aWaiterCancelledFromAnotherThreadIsSkippedAndItsTimerRemoved() throws Exception {
        Lock lock = new Lock();
        lock.acquire();
        Future<Releaser> a = lock.acquire(Duration.ofSeconds(30));
        Future<Releaser> b = lock.acquire();
        assertEquals(null, onAnotherThread("canceller", () -> assertTrue(a.cancel())));
        moment(); // the removal was posted to this loop
        assertEquals("Lock[locked,waiters:1]", lock.toString());
        lock.release();
        assertTrue(b.isDone());
        b.result().close();
        assertFalse(lock.isLocked());
    }

    @Test
    void cancellationsRacingWithReleasesLeakNoPermit() throws Exception {
        Semaphore sem = new Semaphore(0);
        List<Future<Releaser>> waiters = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            waiters.add(sem.acquire(Duration.ofSeconds(30)));
        }
        CountDownLatch go = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger cancelled = new java.util.concurrent.atomic.AtomicInteger();
        Thread canceller = new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            for (int i = 0; i < waiters.size(); i += 2) {
                if (waiters.get(i).cancel()) {
                    cancelled.incrementAndGet();
                }
            }
        }, "canceller");
        canceller.start();
        int released = 150;
        runSync(() -> {
            go.countDown();
            Future<Void> done = new Future<>();
            releaseSlowly(sem, released, done);
            return done;
        });
        canceller.join();
        moment();
        int granted = 0;
        for (Future<Releaser> f : waiters) {
            if (f.isDone() && !f.isCancelled()) {
                granted++;
            }
        }
        int stillWaiting = (int) waiters.stream().filter(f -> !f.isDone()).count();
        assertEquals(released, granted + sem.value(), "every released permit is held or free, none lost");
        assertEquals(cancelled.get(), waiters.stream().filter(Future::isCancelled).count());
        assertTrue(cancelled.get() > 0);
        assertEquals(stillWaiting, sem.waiters.size(), "exactly the live waiters are still queued: " + sem);
        for (Future<Releaser> f : waiters) {
            f.cancel();
        }
        moment();
    }

    private void releaseSlowly(Semaphore sem, int left, Future<Void> done) {
        if (left == 0) {
            done.setResult(null);
            return;
        }
        sem.release();
        loop.addCallback(() -> releaseSlowly(sem, left - 1, done));
    }
}
