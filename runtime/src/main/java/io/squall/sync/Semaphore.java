package io.squall.sync;

import java.time.Duration;

import io.squall.Future;

/**
 * A counter of permits for coroutines: Tornado's {@code tornado.locks.Semaphore}. {@link #acquire()} takes a
 * permit, waiting while there is none; {@link #release()} gives one back (and may raise the count above its
 * initial value: see {@link BoundedSemaphore} for a semaphore that refuses that).
 *
 * <pre>
 *   Semaphore sem = new Semaphore(10);            // at most 10 fetches at once
 *   try (Releaser r = await(sem.acquire())) {
 *       return Future.of(await(client.fetch(url)));
 *   }
 * </pre>
 *
 * <p>Waiters get permits first come, first served; a waiter whose future is cancelled or times out is
 * skipped. An uncontended {@link #acquire()} allocates nothing: it returns a shared done future whose shared
 * releaser gives back one permit per {@code close()}, never more than it handed out. A contended acquire
 * gets a releaser of its own, which releases exactly once.
 *
 * <p>Threads: every method must be called on the thread of the semaphore's loop, the first thread that used
 * it; from any other thread it throws {@link IllegalStateException}. The returned futures are thread-safe.
 */
public class Semaphore extends PermitPool {

    /**
     * Creates a semaphore with {@code value} permits.
     *
     * @param value the initial number of permits
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Semaphore(int value) {
        super(checkValue(value));
    }

    private static int checkValue(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("Semaphore: the initial value must be >= 0, got " + value);
        }
        return value;
    }

    /**
     * Takes a permit: a done future if one is free, else one that completes when this caller's turn comes.
     *
     * @return a future of the releaser that gives the permit back
     * @throws IllegalStateException if called off the semaphore's loop thread
     */
    public Future<Releaser> acquire() {
        return acquirePermit("Semaphore.acquire()", null);
    }

    /**
     * As {@link #acquire()}, but the future fails with {@link java.util.concurrent.TimeoutException} if no
     * permit comes within {@code timeout} (and no permit is then taken).
     *
     * @param timeout how long to wait
     * @return a future of the releaser that gives the permit back
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if called off the semaphore's loop thread
     */
    public Future<Releaser> acquire(Duration timeout) {
        return acquirePermit("Semaphore.acquire(timeout)", requireTimeout(timeout));
    }

    /**
     * Gives a permit back: the oldest waiter still waiting gets it, or the count goes up by one.
     *
     * @throws IllegalStateException if called off the semaphore's loop thread (or, for a
     *         {@link BoundedSemaphore}, if the count would exceed its initial value)
     */
    public void release() {
        checkThread("Semaphore.release()");
        giveBack();
    }

    @Override
    void giveBack() {
        releasePermit();
    }

    /**
     * Tells whether no permit is free (an {@link #acquire()} now would wait).
     *
     * @return true if the count is 0
     * @throws IllegalStateException if called off the semaphore's loop thread
     */
    public boolean isLocked() {
        checkReader("Semaphore.isLocked()");
        return value == 0;
    }

    /**
     * Returns the number of free permits.
     *
     * @return the count
     * @throws IllegalStateException if called off the semaphore's loop thread
     */
    public int value() {
        checkReader("Semaphore.value()");
        return value;
    }

    /** Describes the state: {@code Semaphore[unlocked,value:3]} or {@code Semaphore[locked,waiters:2]}. */
    @Override
    public String toString() {
        return describe(value == 0 ? "locked" : "unlocked,value:" + value);
    }
}
