package io.squall;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.squall.internal.Log;

/**
 * The one watchdog thread of the JVM behind {@link SlowStepDetector}: it looks at every running loop's step
 * counter a few times per threshold and reports a counter that has not moved for the threshold while its
 * loop was not waiting for I/O. Loops register once, at their first {@link IOLoop#start()}, and are held
 * weakly: a loop nobody references any more is forgotten.
 */
final class SlowStepWatchdog implements Runnable {

    /** The longest pause between two looks. */
    private static final long MAX_TICK_NANOS = 50_000_000L;
    private static final long MIN_TICK_NANOS = 250_000L;

    private static final List<Watch> WATCHES = new ArrayList<>();
    private static Thread thread;

    private static final List<GarbageCollectorMXBean> GCS = ManagementFactory.getGarbageCollectorMXBeans();
    /** The collectors' total collection time at the last look, in milliseconds. */
    private long lastGc;

    /** What the watchdog knows of one loop. Only the watchdog thread reads or writes the fields after creation. */
    private static final class Watch {
        final WeakReference<IOLoop> loop;
        /** The counter value last seen, or -1 after the loop was seen idle. */
        long steps = -1;
        /** When {@link #steps} was first seen: the step started no later than this. */
        long since;
        /** True once the step seen since {@link #since} was reported. */
        boolean reported;
        /** What the report said the reported step was, for the line logged when it ends. */
        SlowStepReport.Task reportedTask;
        /** How long the step had run when it was reported, in nanoseconds. */
        long reportedAfter;

        Watch(IOLoop loop) {
            this.loop = new WeakReference<>(loop);
        }
    }

    private SlowStepWatchdog() {
    }

    /**
     * Starts watching {@code loop} (starting the watchdog thread on first use). Called once per loop, on its
     * thread, when it first starts.
     *
     * @param loop the loop
     */
    static void watch(IOLoop loop) {
        synchronized (WATCHES) {
            WATCHES.add(new Watch(loop));
            if (thread == null) {
                Thread t = new Thread(new SlowStepWatchdog(), "squall-slow-step-watchdog");
                t.setDaemon(true);
                t.setPriority(Thread.MAX_PRIORITY);
                thread = t;
                t.start();
            }
        }
    }

    /** Makes the watchdog look again now (the threshold changed, or the detector was turned on). */
    static void wake() {
        Thread t;
        synchronized (WATCHES) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        try {
            SlowStepReport.prepare();
        } catch (Throwable t) {
            Log.error("The slow-step watchdog could not prepare its reports", t);
        }
        lastGc = gcMillis();
        List<Watch> snapshot = new ArrayList<>();
        for (;;) {
            long threshold = SlowStepDetector.thresholdNanos();
            if (threshold <= 0) {
                LockSupport.parkNanos(this, 1_000_000_000L);
                continue;
            }
            long tick = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, threshold / 4));
            LockSupport.parkNanos(this, tick);
            long now = System.nanoTime();
            // A garbage-collection pause held up the loop without its task being slow: that time is not counted.
            long gc = gcMillis();
            long paused = (gc - lastGc) * 1_000_000L;
            lastGc = gc;
            snapshot.clear();
            synchronized (WATCHES) {
                WATCHES.removeIf(w -> {
                    IOLoop l = w.loop.get();
                    return l == null || l.isClosed();
                });
                snapshot.addAll(WATCHES);
            }
            for (Watch w : snapshot) {
                try {
                    look(w, now, threshold, paused);
                } catch (Throwable t) {
                    Log.error("The slow-step watchdog failed while looking at " + Log.describe(w.loop.get()), t);
                }
            }
        }
    }

    /** The total time the collectors have spent collecting, in milliseconds (an approximation of pauses). */
    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : GCS) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static void look(Watch w, long now, long threshold, long paused) {
        IOLoop loop = w.loop.get();
        if (loop == null || !loop.isRunning() || loop.isSleeping()) {
            ended(w, loop, now);
            w.steps = -1;
            return;
        }
        long steps = loop.slowStepCounter();
        if (steps != w.steps) {
            ended(w, loop, now);
            w.steps = steps;
            w.since = now;
            w.reported = false;
            return;
        }
        w.since = Math.min(now, w.since + paused);
        if (w.reported || now - w.since < threshold) {
            return;
        }
        Thread owner = loop.ownerThread();
        if (owner == null) {
            return;
        }
        StackTraceElement[] stack = owner.getStackTrace();
        // Still the same step after the sample (and not idle): the stack is the slow step's.
        boolean same = loop.slowStepCounter() == steps && loop.isRunning() && !loop.isSleeping();
        if (!same) {
            return;
        }
        w.reported = true;
        w.reportedAfter = System.nanoTime() - w.since;
        w.reportedTask = SlowStepReport.report(loop, owner, stack, w.reportedAfter, threshold);
    }

    /** A reported step is over (its loop moved on, or went idle): say how long it ran in all, once. */
    private static void ended(Watch w, IOLoop loop, long now) {
        if (!w.reported || w.steps < 0) {
            return;
        }
        w.reported = false;
        Thread owner = loop != null ? loop.ownerThread() : null;
        SlowStepReport.ended(owner != null ? owner.getName() : "?", w.reportedTask, w.reportedAfter, now - w.since);
        w.reportedTask = null;
    }
}
