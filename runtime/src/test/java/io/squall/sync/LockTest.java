package io.squall.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.squall.Future;

/** Tornado's LockTests, case by case, plus cancellation of waiters. */
@org.junit.jupiter.api.Timeout(60)
class LockTest extends SyncTestCase {

    @Test
    void acquireIsDoneWhenFreeAndWaitsWhenLocked() {
        Lock lock = new Lock();
        assertFalse(lock.isLocked());
        assertTrue(lock.acquire().isDone());
        assertTrue(lock.isLocked());
        Future<Releaser> next = lock.acquire();
        assertFalse(next.isDone());
        lock.release();
        assertTrue(next.isDone());
        assertTrue(lock.isLocked(), "the lock went straight to the waiter");
        next.result().close();
        assertFalse(lock.isLocked());
    }

    @Test
    void uncontendedAcquireReturnsTheSameSharedFuture() {
        Lock lock = new Lock();
        Future<Releaser> first = lock.acquire();
        first.result().close();
        Future<Releaser> second = lock.acquire(Duration.ofSeconds(1));
        assertSame(first, second, "an uncontended acquire allocates no new future");
        second.result().close();
        assertFalse(lock.isLocked());
    }

    @Test
    void waitersGetTheLockFirstComeFirstServed() {
        Lock lock = new Lock();
        lock.acquire();
        List<Integer> order = new ArrayList<>();
        Future<Void> last = new Future<>();
        for (int i = 0; i < 5; i++) {
            int index = i;
            // Each holder records itself and releases on the next loop iteration, as a coroutine would.
            lock.acquire().addDoneCallback(f -> {
                order.add(index);
                loop.addCallback(() -> {
                    f.result().close();
                    if (index == 4) {
                        last.setResult(null);
                    }
                });
            });
        }
        assertTrue(order.isEmpty());
        lock.release();
        runSync(() -> last);
        assertEquals(List.of(0, 1, 2, 3, 4), order);
        assertFalse(lock.isLocked());
    }

    @Test
    void acquireTimesOutAndTheLockStaysLocked() {
        Lock lock = new Lock();
        lock.acquire();
        Future<Releaser> timed = lock.acquire(Duration.ofMillis(10));
        sleep(30);
        assertTimedOut(timed, "Lock.acquire(timeout)");
        assertTrue(lock.isLocked());
        assertFalse(lock.acquire().isDone(), "still locked");
        assertEquals("Lock[locked,waiters:1]", lock.toString());
    }

    @Test
    void acquireTimeoutPreemptedByRelease() {
        Lock lock = new Lock();
        lock.acquire();
        loop.callLater(Duration.ofMillis(5), lock::release);
        Future<Releaser> timed = lock.acquire(Duration.ofSeconds(10));
        sleep(20);
        assertTrue(timed.isDone());
        assertTrue(timed.result() != null, "no TimeoutException: the release came first");
        timed.result().close();
        assertFalse(lock.isLocked());
    }

    @Test
    void releasingAnUnlockedLockIsRefused() {
        Lock lock = new Lock();
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
        assertTrue(e.getMessage().contains("not locked"), e.getMessage());
        lock.acquire();
        lock.release();
        assertThrows(IllegalStateException.class, lock::release);
    }

    @Test
    void aReleaserReleasesOnceEvenWhenClosedTwice() {
        Lock lock = new Lock();
        Releaser shared = lock.acquire().result();
        Future<Releaser> waiting = lock.acquire();
        shared.close();
        assertTrue(waiting.isDone());
        shared.close(); // a second close of the same acquisition does nothing
        assertTrue(lock.isLocked(), "the waiter's hold survived the stray close");
        Releaser own = waiting.result();
        own.close();
        assertFalse(lock.isLocked());
        Future<Releaser> again = lock.acquire();
        own.close(); // the waiter's own releaser released exactly once
        assertTrue(lock.isLocked());
        again.result().close();
        assertFalse(lock.isLocked());
    }

    @Test
    void tryWithResourcesReleasesOnException() {
        Lock lock = new Lock();
        assertThrows(ArithmeticException.class, () -> {
            try (Releaser r = lock.acquire().result()) {
                assertTrue(lock.isLocked());
                throw new ArithmeticException("/ by zero");
            }
        });
        assertFalse(lock.isLocked());
        assertTrue(lock.acquire().isDone());
    }

    @Test
    void aCancelledWaiterIsSkippedAndNeverHandedTheLock() {
        Lock lock = new Lock();
        lock.acquire();
        Future<Releaser> a = lock.acquire();
        Future<Releaser> b = lock.acquire(Duration.ofSeconds(30));
        Future<Releaser> c = lock.acquire();
        assertTrue(b.cancel());
        assertEquals("Lock[locked,waiters:2]", lock.toString(), "the cancelled waiter left at once");
        lock.release();
        assertTrue(a.isDone());
        a.result().close();
        assertTrue(c.isDone(), "c got the lock, b (cancelled) was skipped");
        assertTrue(b.isCancelled());
        c.result().close();
        assertFalse(lock.isLocked(), "no permit leaked to the dead waiter");
    }

    @Test
    void timedOutWaitersLeaveTheListWithTheirTimers() {
        Lock lock = new Lock();
        lock.acquire();
        List<Future<Releaser>> timed = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            timed.add(lock.acquire(Duration.ofMillis(5)));
        }
        Future<Releaser> last = lock.acquire();
        assertEquals("Lock[locked,waiters:102]", lock.toString());
        sleep(30);
        assertEquals("Lock[locked,waiters:1]", lock.toString());
        for (Future<Releaser> f : timed) {
            assertTimedOut(f, "Lock.acquire(timeout)");
        }
        assertFalse(last.isDone());
        lock.release();
        assertTrue(last.isDone());
        last.result().close();
    }
}
