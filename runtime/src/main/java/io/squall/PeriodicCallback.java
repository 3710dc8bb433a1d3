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
 * itself too: stopping and restarting it from inside the callback is fine). From another thread both throw
 * {@link IllegalStateException} naming the loop's thread and the caller's: {@code start()} on a worker thread
 * without a loop of its own (an {@link IOLoop#runInExecutor} worker, or any thread while a loop runs
 * elsewhere) would otherwise schedule on a loop that nobody runs and never tick. From another thread use
 * {@code loop.addCallback(callback::start)}.
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
     * @throws IllegalStateException on a worker thread without a loop of its own, or when this callback runs
     *     on another thread's loop
     */
    public void start() {
        if (running) {
            checkThread("start()");
            return;
        }
        IOLoop l = LoopOwnership.currentFor("PeriodicCallback.start()");
        running = true;
        generation++;
        loop = l;
        nextRun = loop.time();
        schedule();
    }

    /**
     * Stops the schedule; a run already under way finishes. Stopping a stopped callback does nothing.
     *
     * @throws IllegalStateException if called on another thread than the loop's the callback runs on (use
     *     {@code loop.addCallback(callback::stop)})
     */
    public void stop() {
        if (running) {
            checkThread("stop()");
        }
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

    private void checkThread(String op) {
        IOLoop l = loop;
        if (l != null && !l.inLoopThread()) {
            throw new IllegalStateException("PeriodicCallback." + op + " was called on thread '"
                    + Thread.currentThread().getName() + "', but " + this + " runs on the IOLoop of thread '"
                    + l.ownerName() + "' and is not thread-safe: call it there, e.g. from another thread with"
                    + " loop.addCallback(callback::" + op.substring(0, op.indexOf('(')) + ")");
        }
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
