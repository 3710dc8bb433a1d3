package io.squall.sync;

import java.time.Duration;
import java.util.Objects;

import io.squall.Future;

/**
 * A signal coroutines can wait for: Tornado's {@code tornado.locks.Condition}. Unlike an {@link Event} it
 * has no state: {@link #signal()} wakes waiters that are waiting now, and a wait always waits.
 *
 * <pre>
 *   Condition changed = new Condition();
 *   // a consumer:  while (!ready()) { await(changed.waitFor()); }
 *   // a producer:  makeReady(); changed.signalAll();
 * </pre>
 *
 * <p>Waiters are woken first come, first served; a waiter that was cancelled or timed out is removed at
 * once and never counts against the {@code n} of {@link #signal(int)}. Java's {@code Object.wait} and
 * {@code notify} are final, so Tornado's {@code wait}/{@code notify} are named {@code waitFor}/{@code signal}.
 *
 * <p>Threads: every method must be called on the thread of the condition's loop, the first thread that used
 * it; from any other thread it throws {@link IllegalStateException}. The returned futures are thread-safe.
 */
public final class Condition extends LoopBound {
    private final WaitList<Waiter<Boolean>> waiters = new WaitList<>();

    /** Creates a condition; it belongs to the first thread that uses it. */
    public Condition() {}

    /**
     * Waits for the next signal.
     *
     * @return a future that completes with {@code true} when signalled
     * @throws IllegalStateException if called off the condition's loop thread
     */
    public Future<Boolean> waitFor() {
        checkThread("Condition.waitFor()");
        return new Waiter<>(this, waiters, "Condition.waitFor()", null);
    }

    /**
     * Waits for the next signal, at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return a future that completes with {@code true} when signalled, {@code false} when the time ran out
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if called off the condition's loop thread
     */
    public Future<Boolean> waitFor(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        checkThread("Condition.waitFor(timeout)");
        return new Waiter<Boolean>(this, waiters, "Condition.waitFor(timeout)", timeout) {
            @Override
            void onTimeout() {
                trySetResult(Boolean.FALSE);
            }
        };
    }

    /**
     * Wakes the oldest waiter, if any.
     *
     * @throws IllegalStateException if called off the condition's loop thread
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes the {@code n} oldest waiters (fewer if fewer wait). A waiter's done callback that signals again
     * wakes further waiters; no signal is lost.
     *
     * @param n how many to wake
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException if called off the condition's loop thread
     */
    public void signal(int n) {
        checkThread("Condition.signal()");
        if (n < 0) {
            throw new IllegalArgumentException("Condition.signal(n): n must be >= 0, got " + n);
        }
        while (n > 0) {
            Waiter<Boolean> w = waiters.poll();
            if (w == null) {
                return;
            }
            if (w.trySetResult(Boolean.TRUE)) {
                n--;
            }
        }
    }

    /**
     * Wakes every coroutine waiting now (not those that start waiting from a woken one's callback).
     *
     * @throws IllegalStateException if called off the condition's loop thread
     */
    public void signalAll() {
        checkThread("Condition.signalAll()");
        signal(waiters.size());
    }

    /** Describes the state: {@code Condition[]} or {@code Condition[waiters:2]}. */
    @Override
    public String toString() {
        return "Condition[" + (waiters.isEmpty() ? "" : "waiters:" + waiters.size()) + "]";
    }
}
