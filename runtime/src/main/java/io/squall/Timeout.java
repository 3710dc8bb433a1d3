package io.squall;

/**
 * A handle on a callback scheduled with {@link IOLoop#callLater} or {@link IOLoop#callAt}; pass it to
 * {@link IOLoop#removeTimeout} to cancel the callback before it runs.
 */
public final class Timeout implements Comparable<Timeout> {
    final long deadline;
    long sequence;
    final Runnable callback;
    volatile boolean cancelled;

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
     * @return true if cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Orders by deadline, then by scheduling order, so equal deadlines run first in, first out. */
    @Override
    public int compareTo(Timeout o) {
        int c = Long.compare(deadline - o.deadline, 0);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    @Override
    public String toString() {
        return "Timeout(" + callback + (cancelled ? ", cancelled" : "") + ")";
    }
}
