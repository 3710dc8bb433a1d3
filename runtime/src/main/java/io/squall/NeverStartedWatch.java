package io.squall;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.squall.internal.Log;

/**
 * Warns, once per loop, when work (a callback, a timer, a channel handler, a coroutine's resumption) is
 * scheduled on an {@link IOLoop} that is still not started a few seconds later: typically a coroutine called
 * on a worker thread (it resumes on that thread's own loop, {@link IOLoop#current()}, which nobody runs), or
 * a fetch, connect or timer started on a thread that has a loop but never runs it, so the work silently never
 * happens. (On a worker thread without a loop of its own, coroutines, Gen.sleep, PeriodicCallback.start()
 * and the client network calls are refused at once, see {@link LoopOwnership}; what remains for this watch is
 * a thread that made its own loop, or was handed one, and never runs it.) The delay is {@value #DELAY_PROPERTY} in milliseconds (default 5000; 0 turns
 * the warning off). Thread-safe.
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
                Log.warning("Work was scheduled on the IOLoop of thread '" + loop.ownerName() + "' " + DELAY_MILLIS
                        + " ms ago (first " + what
                        + ", from thread " + scheduler + ") but that loop has never been started, so it will"
                        + " never run: typically a coroutine called on a worker thread, which resumes on that"
                        + " thread's loop, or a timer, fetch or connect started on a thread whose loop nobody runs."
                        + " Call coroutines on a running loop's thread (from another thread, hand them over with"
                        + " loop.addCallback(...), which is safe from any thread), or run this loop"
                        + " (IOLoop.start()/runSync()) on its thread.");
            }
        }, DELAY_MILLIS, TimeUnit.MILLISECONDS);
        return true;
    }
}
