package io.squall.tests.sync;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.squall.Future;
import io.squall.sync.Condition;
import io.squall.sync.Lock;
import io.squall.sync.Queue;
import io.squall.sync.Releaser;
import io.squall.testing.SquallTest;
import io.squall.testing.VirtualClock;

/** Long sync timeouts under squall-testing's virtual clock: they fire at once, in deadline order. */
@SuppressWarnings("squall:swallowed-cancellation") class SyncVirtualTimeTest { // timeouts are caught on purpose

    @SquallTest(virtualTime = true)
    Future<Void> longSyncTimeoutsRunInstantly(VirtualClock clock) {
        Lock lock = new Lock();
        Releaser held = await(lock.acquire());
        Exception failure = null;
        try {
            await(lock.acquire(Duration.ofSeconds(30)));
        } catch (Exception e) {
            failure = e;
        }
        assertTrue(failure instanceof TimeoutException, String.valueOf(failure));
        assertTrue(lock.isLocked());

        Condition changed = new Condition();
        assertFalse(await(changed.waitFor(Duration.ofMinutes(10))), "a condition wait times out as false");

        Queue<String> q = new Queue<>(1);
        await(q.put("only"));
        failure = null;
        try {
            await(q.join(Duration.ofHours(1)));
        } catch (Exception e) {
            failure = e;
        }
        assertTrue(failure instanceof TimeoutException, String.valueOf(failure));
        assertEquals("Queue[maxsize=1 qsize=1 tasks=1]", q.toString(), "the timed-out join left no waiter");
        assertTrue(clock.skipped().compareTo(Duration.ofMinutes(70)) > 0, clock.toString());
        held.close();
        assertFalse(lock.isLocked());
        return null;
    }
}
