package io.squall;

import java.time.Duration;
import java.util.Objects;

import io.squall.internal.Log;

/**
 * Runs a callback every {@code period} on an {@link IOLoop}: Tornado's {@code PeriodicCallback}. If a run
 * takes longer than the period, the missed runs are skipped (not queued up), and the schedule stays aligned
 * to the start time. An exception from the callback is logged, and the schedule goes on.
 *
 * <p>Not thread-safe: call {@link #start()} and {@link #stop()} on the loop's thread (from the callback
 * itself too: stopping and restarting it from inside the callback is fine).
 */
public final class PeriodicCallback {
    private final Runnable callback;
    private final long periodNanos;
    private IOLoop loop;
    private Timeout timeout;
    private long nextRun;
    private boolean running;
    /** Bumped by every start() and stop(), so a timer of an earlier schedule never reschedules itself. */
    private int generation;

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

    /**
     * Starts running the callback on the current thread's loop ({@link IOLoop#current()}), the first time
     * one period from now. Starting a running callback does nothing.
     *
     */
    public void start() {
        if (running) {
            return;
        }
        running = true;
        generation++;
        loop = IOLoop.current();
        nextRun = loop.time();
        schedule();
    }

    /** Stops the schedule; a run already under way finishes. Stopping a stopped callback does nothing. */
    public void stop() {
        running = false;
        generation++;
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
        int gen = generation;
        timeout = loop.callAt(nextRun, new Runnable() {
            @Override
            public void run() {
                fire(gen);
            }

            @Override
            public String toString() {
                return PeriodicCallback.this.toString();
            }
        });
    }

    private void fire(int gen) {
        if (!running || gen != generation) {
            return;
        }
        timeout = null;
        try {
            callback.run();
        } catch (Throwable t) {
            Log.error("Exception in " + this, t);
        }
        // stop() or stop()+start() inside the callback changed the generation: that schedule wins.
        if (running && gen == generation) {
            schedule();
        }
    }

    /** Describes the callback and its period, e.g. {@code PeriodicCallback(tick, every PT1S)}. */
    @Override
    public String toString() {
        return "PeriodicCallback(" + Log.describe(callback) + ", every " + Duration.ofNanos(periodNanos) + ")";
    }
}
