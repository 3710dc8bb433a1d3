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

/** Tornado's EventTest and ConditionTest, case by case. */
@org.junit.jupiter.api.Timeout(60)
class EventConditionTest extends SyncTestCase {

    @Test
    void eventToString() {
        Event e = new Event();
        assertEquals("Event[clear]", e.toString());
        e.set();
        assertEquals("Event[set]", e.toString());
    }

    @Test
    void eventWakesWaitersAndLaterWaitsAreDoneUntilCleared() {
        Event e = new Event();
        Future<Void> f0 = e.waitFor();
        e.set();
        Future<Void> f1 = e.waitFor();
        e.clear();
        Future<Void> f2 = e.waitFor();
        assertTrue(f0.isDone());
        assertTrue(f1.isDone());
        assertFalse(f2.isDone());
        assertSame(LoopBound.DONE, f1, "a wait on a set event returns the shared done future");
    }

    @Test
    void eventTimeoutThenNormalOperation() {
        Event e = new Event();
        Future<Void> timed = e.waitFor(Duration.ofMillis(5));
        sleep(20);
        assertTimedOut(timed, "Event.waitFor(timeout)");
        loop.callLater(Duration.ofMillis(5), e::set);
        assertEquals(null, runSync(() -> e.waitFor(Duration.ofSeconds(10))));
        assertEquals("Event[set]", e.toString(), "no waiter left behind");
    }

    @Test
    void eventSetTwice() {
        Event e = new Event();
        e.set();
        e.set();
        assertTrue(e.isSet());
    }

    @Test
    void eventWaitClearSet() {
        Event e = new Event();
        Future<Void> f0 = e.waitFor();
        e.clear();
        Future<Void> f1 = e.waitFor();
        e.set();
        assertTrue(f0.isDone());
        assertTrue(f1.isDone());
    }

    @Test
    void eventSetCompletesOnlyTheWaitersOfThatMoment() {
        Event e = new Event();
        List<Future<Void>> later = new ArrayList<>();
        e.waitFor().addDoneCallback(f -> {
            e.clear();
            later.add(e.waitFor());
        });
        Future<Void> second = e.waitFor();
        e.set();
        assertTrue(second.isDone(), "it was waiting when set() was called");
        assertFalse(later.get(0).isDone(), "it started waiting after the callback cleared the event");
        assertEquals("Event[clear,waiters:1]", e.toString());
    }

    @Test
    void cancelledEventWaiterLeaves() {
        Event e = new Event();
        Future<Void> f = e.waitFor(Duration.ofSeconds(30));
        f.cancel();
        assertEquals("Event[clear]", e.toString());
        e.set();
        assertTrue(f.isCancelled());
    }

    @Test
    void conditionToString() {
        Condition c = new Condition();
        assertEquals("Condition[]", c.toString());
        c.waitFor();
        assertEquals("Condition[waiters:1]", c.toString());
    }

    @Test
    void conditionSignalFromATimer() {
        Condition c = new Condition();
        loop.callLater(Duration.ofMillis(5), c::signal);
        assertEquals(Boolean.TRUE, runSync(c::waitFor));
    }

    @Test
    void signalOneAtATime() {
        Condition c = new Condition();
        record(c.waitFor(), "wait1");
        record(c.waitFor(), "wait2");
        c.signal(1);
        history.add("signal1");
        c.signal(1);
        history.add("signal2");
        assertEquals(List.of("wait1", "signal1", "wait2", "signal2"), history);
    }

    @Test
    void signalNInOrder() {
        Condition c = new Condition();
        for (int i = 0; i < 6; i++) {
            record(c.waitFor(), i);
        }
        c.signal(3);
        assertEquals(List.of(0, 1, 2), history);
        c.signal(1);
        assertEquals(List.of(0, 1, 2, 3), history);
        c.signal(2);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), history);
        c.signal(1); // nobody waits: nothing happens, nothing is remembered
        Future<Boolean> after = c.waitFor();
        assertFalse(after.isDone());
        assertThrows(IllegalArgumentException.class, () -> c.signal(-1));
    }

    @Test
    void signalAll() {
        Condition c = new Condition();
        for (int i = 0; i < 4; i++) {
            record(c.waitFor(), i);
        }
        c.signalAll();
        history.add("signalAll");
        assertEquals(List.of(0, 1, 2, 3, "signalAll"), history);
    }

    @Test
    void waitTimeoutResolvesFalse() {
        Condition c = new Condition();
        Future<Boolean> wait = c.waitFor(Duration.ofMillis(5));
        loop.callLater(Duration.ofMillis(15), c::signal); // too late
        sleep(30);
        assertValue(Boolean.FALSE, wait);
    }

    @Test
    void waitTimeoutPreempted() {
        Condition c = new Condition();
        loop.callLater(Duration.ofMillis(5), c::signal);
        Future<Boolean> wait = c.waitFor(Duration.ofSeconds(10));
        sleep(20);
        assertValue(Boolean.TRUE, wait);
    }

    @Test
    void aTimedOutWaiterDoesNotCountAgainstN() {
        Condition c = new Condition();
        record(c.waitFor(), 0);
        record(c.waitFor(Duration.ofMillis(5)), 1);
        record(c.waitFor(), 2);
        record(c.waitFor(), 3);
        sleep(20);
        assertEquals(List.of("timeout"), history);
        c.signal(2);
        assertEquals(List.of("timeout", 0, 2), history);
        c.signal();
        assertEquals(List.of("timeout", 0, 2, 3), history);
    }

    @Test
    void signalAllSkipsTimedOutWaiters() {
        Condition c = new Condition();
        record(c.waitFor(), 0);
        record(c.waitFor(Duration.ofMillis(5)), 1);
        record(c.waitFor(), 2);
        sleep(20);
        assertEquals(List.of("timeout"), history);
        c.signalAll();
        assertEquals(List.of("timeout", 0, 2), history);
    }

    @Test
    void nestedSignalLosesNothing() {
        Condition c = new Condition();
        List<Future<Boolean>> fs = List.of(c.waitFor(), c.waitFor(), c.waitFor());
        fs.get(1).addDoneCallback(f -> c.signal());
        c.signal(2);
        assertTrue(fs.stream().allMatch(Future::isDone));
    }

    @Test
    void cancelledConditionWaiterDoesNotCountAgainstN() {
        Condition c = new Condition();
        Future<Boolean> a = c.waitFor();
        Future<Boolean> b = c.waitFor(Duration.ofSeconds(30));
        Future<Boolean> d = c.waitFor();
        b.cancel();
        c.signal(2);
        assertValue(Boolean.TRUE, a);
        assertValue(Boolean.TRUE, d);
        assertTrue(b.isCancelled());
    }

    @Test
    void timedOutWaitersAreCollected() {
        Condition c = new Condition();
        for (int i = 0; i < 101; i++) {
            c.waitFor(Duration.ofMillis(5));
        }
        Future<Boolean> last = c.waitFor();
        assertEquals("Condition[waiters:102]", c.toString());
        sleep(30);
        assertEquals("Condition[waiters:1]", c.toString());
        assertFalse(last.isDone());
        c.signal();
        assertValue(Boolean.TRUE, last);
    }
}
