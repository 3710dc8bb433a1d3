package io.squall.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.squall.Future;

/** Tornado's SemaphoreTest, SemaphoreContextManagerTest and BoundedSemaphoreTest, case by case. */
@org.junit.jupiter.api.Timeout(60)
class SemaphoreTest extends SyncTestCase {

    @Test
    void negativeValueIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
    }

    @Test
    void toStringShowsStateAndWaiters() {
        Semaphore sem = new Semaphore(1);
        assertEquals("Semaphore[unlocked,value:1]", sem.toString());
        sem.acquire();
        assertEquals("Semaphore[locked]", sem.toString());
        sem.acquire();
        assertEquals("Semaphore[locked,waiters:1]", sem.toString());
    }

    @Test
    void acquireWaitsForReleaseInOrder() {
        Semaphore sem = new Semaphore(1);
        assertTrue(sem.acquire().isDone());
        Future<Releaser> f1 = sem.acquire();
        Future<Releaser> f2 = sem.acquire();
        assertFalse(f1.isDone());
        sem.release();
        assertTrue(f1.isDone());
        assertFalse(f2.isDone());
        sem.release();
        assertTrue(f2.isDone());
        sem.release();
        assertEquals(1, sem.value());
        assertTrue(sem.acquire().isDone(), "now acquire is instant");
        assertEquals("Semaphore[locked]", sem.toString(), "no waiter left behind");
    }

    @Test
    void acquireTimesOutAndTakesNoPermit() {
        Semaphore sem = new Semaphore(2);
        sem.acquire();
        sem.acquire();
        Future<Releaser> timed = sem.acquire(Duration.ofMillis(10));
        loop.callLater(Duration.ofMillis(20), sem::release); // too late
        sleep(40);
        assertTimedOut(timed, "Semaphore.acquire(timeout)");
        assertEquals(1, sem.value(), "the late release went back to the count, not to the dead waiter");
        sem.acquire();
        Future<Releaser> f = sem.acquire();
        assertFalse(f.isDone());
        sem.release();
        assertTrue(f.isDone());
    }

    @Test
    void acquireTimeoutPreempted() {
        Semaphore sem = new Semaphore(1);
        sem.acquire();
        loop.callLater(Duration.ofMillis(5), sem::release);
        Future<Releaser> timed = sem.acquire(Duration.ofSeconds(10));
        sleep(20);
        assertTrue(timed.isDone());
        timed.result().close();
        assertEquals(1, sem.value());
    }

    @Test
    void unboundedReleasesRaiseTheCount() {
        Semaphore sem = new Semaphore(1);
        sem.release();
        sem.release();
        assertEquals(3, sem.value());
        assertTrue(sem.acquire().isDone());
        assertTrue(sem.acquire().isDone());
        assertTrue(sem.acquire().isDone());
        assertFalse(sem.acquire().isDone());
    }

    @Test
    void timedOutWaitersAreCollected() {
        Semaphore sem = new Semaphore(0);
        List<Future<Releaser>> timed = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            timed.add(sem.acquire(Duration.ofMillis(5)));
        }
        Future<Releaser> last = sem.acquire();
        assertEquals("Semaphore[locked,waiters:102]", sem.toString());
        sleep(30);
        assertEquals("Semaphore[locked,waiters:1]", sem.toString());
        assertFalse(last.isDone());
        sem.release();
        assertTrue(last.isDone());
        for (Future<Releaser> f : timed) {
            assertTimedOut(f, "Semaphore.acquire(timeout)");
        }
    }

    @Test
    void releaserGivesThePermitBackAlsoOnException() {
        Semaphore sem = new Semaphore(1);
        try (Releaser r = sem.acquire().result()) {
            assertEquals(0, sem.value());
        }
        assertTrue(sem.acquire().isDone(), "released and acquirable again");
        sem.release();
        assertThrows(ArithmeticException.class, () -> {
            try (Releaser r = sem.acquire().result()) {
                throw new ArithmeticException();
            }
        });
        assertEquals(1, sem.value());
    }

    @Test
    void timedOutAcquireLeavesTheCounterAtZero() {
        Semaphore sem = new Semaphore(0);
        Future<Releaser> timed = sem.acquire(Duration.ofMillis(5));
        sleep(20);
        assertTimedOut(timed, "acquire");
        assertEquals(0, sem.value());
        assertFalse(sem.acquire().isDone());
    }

    @Test
    void contendedHoldersRunOneAfterAnother() {
        Semaphore sem = new Semaphore(1);
        List<String> order = new ArrayList<>();
        Future<Void> last = new Future<>();
        for (int i = 0; i < 2; i++) {
            int index = i;
            sem.acquire().addDoneCallback(f -> {
                order.add("acquired " + index);
                loop.callLater(Duration.ofMillis(2), () -> {
                    order.add("release " + index);
                    f.result().close();
                    if (index == 1) {
                        last.setResult(null);
                    }
                });
            });
        }
        runSync(() -> last);
        assertEquals(List.of("acquired 0", "release 0", "acquired 1", "release 1"), order);
        assertEquals(1, sem.value());
    }

    @Test
    void sharedReleaserNeverGivesBackMoreThanItHandedOut() {
        Semaphore sem = new Semaphore(2);
        Releaser a = sem.acquire().result();
        Releaser b = sem.acquire().result();
        a.close();
        b.close();
        assertEquals(2, sem.value());
        a.close(); // stray: both acquisitions are already back
        assertEquals(2, sem.value());
    }

    @Test
    void cancelledWaiterIsSkipped() {
        Semaphore sem = new Semaphore(0);
        Future<Releaser> a = sem.acquire();
        Future<Releaser> b = sem.acquire();
        a.cancel();
        sem.release();
        assertTrue(b.isDone(), "the permit went to the live waiter");
        assertEquals(0, sem.value());
        b.result().close();
        assertEquals(1, sem.value());
    }

    @Test
    void boundedSemaphoreRefusesReleasesAboveItsInitialValue() {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, sem::release);
        assertTrue(e.getMessage().contains("Semaphore released too many times"), e.getMessage());
        sem.acquire();
        Future<Releaser> waiting = sem.acquire();
        assertFalse(waiting.isDone());
        sem.release();
        assertTrue(waiting.isDone());
        sem.release();
        assertEquals(1, sem.value());
        assertThrows(IllegalStateException.class, sem::release);
    }
}
