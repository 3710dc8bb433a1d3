package io.squall;

import java.time.Duration;
import java.util.Objects;

import io.squall.internal.Log;

/**
 * Runs a callback every {@code period} on an {@link IOLoop}: Tornado's {@code PeriodicCallback}. If a run
 * takes longer than the period, the missed runs are skipped (not queued up), and the schedule stays aligned
 * to the start time. An exception from the callback is logged, and the schedule goes on.
 */
public final class PeriodicCallback {
    private final Runnable callback;
    private final long periodNanos;
    private IOLoop loop;
    private Timeout timeout;
    private long nextRun;
    private boolean running;

    /**
     * Creates a stopped periodic callback.
     *
     * @param callback what to run
     * @param period the interval, positive
     * @throws IllegalArgumentException if {@code period} is zero or negative
     */
    public PeriodicCallback(Runnable callback, Duration period) {
        this.callback = Objects.requireNonNull(callback, "callback");
        this.periodNanos = period.toNanos();
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("PeriodicCallback period must be positive, got " + period);
        }
    }

    /** Starts running the callback on the current thread's loop, the first time one period from now. */
    public void start() {
        if (running) {
            return;
        }
        running = true;
        loop = IOLoop.current();
        nextRun = loop.time();
        schedule();
    }

    /** Stops the schedule; a run already under way finishes. */
    public void stop() {
        running = false;
        if (timeout != null) {
            loop.removeTimeout(timeout);
            timeout = null;
        }
    }

    /**
     * Tells whether the schedule is on.
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    public boolean isRunning() {
        return running;
    }

    private void schedule() {
        long now = loop.time();
        nextRun += periodNanos;
        if (nextRun - now <= 0) {
            long missed = (now - nextRun) / periodNanos + 1;
            nextRun += missed * periodNanos;
        }
        timeout = loop.callAt(nextRun, this::run);
    }

    private void run() {
        if (!running) {
            return;
        }
        try {
            callback.run();
        } catch (Throwable t) {
            Log.error("Exception in PeriodicCallback " + callback, t);
        }
        if (running) {
            schedule();
        }
    }

    @Override
    public String toString() {
        return "PeriodicCallback(" + callback + ", every " + Duration.ofNanos(periodNanos) + ")";
    }
}
