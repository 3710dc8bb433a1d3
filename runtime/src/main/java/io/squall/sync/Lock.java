package io.squall.sync;

import java.time.Duration;

import io.squall.Future;

/**
 * A lock for coroutines: Tornado's {@code tornado.locks.Lock}. Not reentrant: a coroutine that holds it and
 * acquires it again waits for itself.
 *
 * <pre>
 *   try (Releaser r = await(lock.acquire())) {
 *       ...                                   // one coroutine at a time
 *   }
 * </pre>
 *
 * <p>Waiters get the lock first come, first served; a waiter whose future is cancelled or times out is
 * skipped. An uncontended {@link #acquire()} allocates nothing: it returns a shared done future whose
 * releaser is shared too (a stray second {@code close()} of it after another coroutine took the lock
 * uncontended would release that coroutine's hold, as a stray {@link #release()} would: keep
 * {@code close()} to the try-with-resources). A contended acquire gets a releaser of its own, which
 * releases exactly once.
 *
 * <p>Threads: every method must be called on the thread of the lock's loop, the first thread that used it;
 * from any other thread it throws {@link IllegalStateException}. The returned futures are thread-safe.
 */
public final class Lock extends PermitPool {

    /** Creates an unlocked lock; it belongs to the first thread that uses it. */
    public Lock() {
        super(1);
    }

    /**
     * Acquires the lock: a done future if it is free, else one that completes when this caller's turn comes.
     *
     * @return a future of the releaser that unlocks it
     * @throws IllegalStateException if called off the lock's loop thread
     */
    public Future<Releaser> acquire() {
        return acquirePermit("Lock.acquire()", null);
    }

    /**
     * As {@link #acquire()}, but the future fails with {@link java.util.concurrent.TimeoutException} if the
     * lock is not acquired within {@code timeout} (and the lock is then not taken).
     *
     * @param timeout how long to wait
     * @return a future of the releaser that unlocks it
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if called off the lock's loop thread
     */
    public Future<Releaser> acquire(Duration timeout) {
        return acquirePermit("Lock.acquire(timeout)", requireTimeout(timeout));
    }

    /**
     * Unlocks: the oldest waiter still waiting gets the lock, or it becomes free.
     *
     * @throws IllegalStateException if the lock is not locked, or if called off the lock's loop thread
     */
    public void release() {
        checkThread("Lock.release()");
        giveBack();
    }

    @Override
    void giveBack() {
        if (value > 0) {
            throw new IllegalStateException("Lock.release(): the lock is not locked (a release() without a "
                    + "matching acquire(), or a second release of the same acquisition)");
        }
        sharedOut = 0;
        releasePermit();
    }

    /**
     * Tells whether the lock is held.
     *
     * @return true if locked
     * @throws IllegalStateException if called off the lock's loop thread
     */
    public boolean isLocked() {
        checkReader("Lock.isLocked()");
        return value == 0;
    }

    /** Describes the state: {@code Lock[locked,waiters:2]}. */
    @Override
    public String toString() {
        return describe(value == 0 ? "locked" : "unlocked");
    }
}
