package io.squall;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.squall.internal.Log;

/**
 * Warns, once per loop, when work (a callback or a timer: a {@link Gen#sleep}, a {@link PeriodicCallback},
 * a coroutine's resumption) is scheduled on an {@link IOLoop} that is still not started a few seconds later:
 * typically {@code Gen.sleep} or {@code PeriodicCallback.start()} called on a worker thread, whose own loop
 * ({@link IOLoop#current()}) never runs, so the work silently never happens. The delay is
 * {@value #DELAY_PROPERTY} in milliseconds (default 5000; 0 turns the warning off). Thread-safe.
 */
final class NeverStartedWatch {

    /** System property: milliseconds to wait before warning; 0 disables. */
    static final String DELAY_PROPERTY = "io.squall.debug.loopStartWarningMillis";

    private static final long DELAY_MILLIS = Long.getLong(DELAY_PROPERTY, 5000);

    private NeverStartedWatch() {
        throw new AssertionError("no instances");
    }

    /** Lazily created daemon timer thread. */
    private static final class Timer {
        static final ScheduledExecutorService EXEC = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "squall-loop-start-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts watching {@code loop}, on which {@code first} was just scheduled before the loop ever ran.
     *
     * @return true (the loop is now watched)
     */
    static boolean watch(IOLoop loop, Runnable first) {
        if (DELAY_MILLIS <= 0) {
            return true;
        }
        String scheduler = Thread.currentThread().getName();
        String what = Log.describe(first);
        Timer.EXEC.schedule(() -> {
            if (!loop.everStarted && !loop.isClosed()) {
                Log.warning("Work was scheduled on an IOLoop " + DELAY_MILLIS + " ms ago (first " + what
                        + ", from thread " + scheduler + ") but that loop has never been started, so it will"
                        + " never run: a Gen.sleep, PeriodicCallback.start() or coroutine on a thread whose loop"
                        + " nobody runs. Run it (IOLoop.start()/runSync()) on its thread, or schedule the work"
                        + " on a running loop with loop.addCallback(...) (the one method that is safe from any"
                        + " thread).");
            }
        }, DELAY_MILLIS, TimeUnit.MILLISECONDS);
        return true;
    }
}
