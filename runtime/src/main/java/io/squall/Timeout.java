package io.squall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A handle on a callback scheduled with {@link IOLoop#callLater} or {@link IOLoop#callAt}; pass it to
 * {@link IOLoop#removeTimeout} to cancel the callback before it runs.
 *
 * <p>States: {@code pending} → {@code fired} (the loop ran it) or {@code pending} → {@code cancelled}
 * ({@code removeTimeout}). The transition out of {@code pending} happens once, atomically, so a timer that
 * is removed from another thread while it falls due either runs or is cancelled, never both.
 */
public final class Timeout implements Comparable<Timeout> {
    static final int PENDING = 0;
    static final int FIRED = 1;
    static final int CANCELLED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Timeout.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long deadline;
    /** Scheduling order, for FIFO among equal deadlines; assigned on the loop thread. */
    long sequence;
    final Runnable callback;
    /** True while the timer sits in the loop's heap; loop thread only. */
    boolean queued;
    private volatile int state;

    Timeout(long deadline, long sequence, Runnable callback) {
        this.deadline = deadline;
        this.sequence = sequence;
        this.callback = callback;
    }

    /**
     * Returns when the callback is due, on the {@link System#nanoTime()} scale.
     *
     * @return the deadline in nanoseconds
     */
    public long deadline() {
        return deadline;
    }

    /**
     * Tells whether this timeout was removed before it ran.
     *
     * @return true if {@link IOLoop#removeTimeout} cancelled it
     */
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    /**
     * Tells whether the loop has run (or is running) the callback.
     *
     * @return true once the timer fired
     */
    public boolean hasFired() {
        return state == FIRED;
    }

    boolean isPending() {
        return state == PENDING;
    }

    /** Moves pending to cancelled; false if the timer already fired or was cancelled. */
    boolean tryCancel() {
        return STATE.compareAndSet(this, PENDING, CANCELLED);
    }

    /** Moves pending to fired; false if the timer was cancelled (or already fired). */
    boolean tryFire() {
        return STATE.compareAndSet(this, PENDING, FIRED);
    }

    /** Orders by deadline, then by scheduling order, so equal deadlines run first in, first out. */
    @Override
    public int compareTo(Timeout o) {
        int c = Long.compare(deadline - o.deadline, 0);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    /** Describes the callback and the state, e.g. {@code Timeout(MyTask, pending)}. */
    @Override
    public String toString() {
        int s = state;
        return "Timeout(" + io.squall.internal.Log.describe(callback) + ", " + (s == PENDING ? "pending" : s == FIRED ? "fired" : "cancelled") + ")";
    }
}
