package io.squall.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.squall.Future;
import io.squall.Gen;
import io.squall.testing.AsyncTestCase;

/** Helpers for the io.squall.sync tests: callbacks on a real loop, no agent needed. */
abstract class SyncTestCase extends AsyncTestCase {
    /** What the done callbacks recorded, in the order they ran. */
    protected final List<Object> history = new ArrayList<>();

    /** Runs the loop for {@code millis} (timers due by then fire). */
    protected void sleep(long millis) {
        runSync(() -> Gen.sleep(Duration.ofMillis(millis)));
    }

    /** Runs the loop for exactly one iteration. */
    protected void moment() {
        runSync(Gen::moment);
    }

    /** Records {@code key} when {@code f} succeeds, "timeout" when it fails with a TimeoutException. */
    protected void record(Future<?> f, Object key) {
        f.addDoneCallback(done -> {
            Throwable t = done.exception();
            if (t instanceof TimeoutException || Boolean.FALSE.equals(t == null ? done.result() : null)) {
                history.add("timeout");
            } else if (t != null) {
                history.add(t.getClass().getSimpleName());
            } else {
                history.add(key);
            }
        });
    }

    /** Asserts that {@code f} failed with a TimeoutException whose message names {@code what}. */
    protected static void assertTimedOut(Future<?> f, String what) {
        assertTrue(f.isDone(), f + " should be done");
        TimeoutException e = assertThrows(TimeoutException.class, f::result);
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    protected static void assertValue(Object expected, Future<?> f) {
        assertTrue(f.isDone(), f + " should be done");
        assertEquals(expected, f.result());
    }
}
