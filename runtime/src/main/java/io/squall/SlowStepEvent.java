package io.squall;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event {@code io.squall.SlowStep}: one loop task ran longer than the {@link SlowStepDetector}'s
 * threshold. Committed by the watchdog thread at the moment the warning is logged, so the event's own
 * stack trace would be the watchdog's: it is turned off, and the loop thread's sampled stack is a field.
 * Costs nothing unless a flight recording is on.
 */
@Name("io.squall.SlowStep")
@Label("Slow Loop Step")
@Category({"Squall", "IOLoop"})
@Description("One IOLoop task (callback, I/O handler, coroutine step) kept its loop busy longer than the threshold")
@StackTrace(false)
final class SlowStepEvent extends Event {

    @Label("Loop Thread")
    Thread loopThread;

    @Label("Busy So Far")
    @Description("How long the task had been running when it was reported (it may run longer)")
    @Timespan(Timespan.NANOSECONDS)
    long busy;

    @Label("Threshold")
    @Timespan(Timespan.NANOSECONDS)
    long threshold;

    @Label("Kind")
    @Description("callback, I/O handler or task")
    String kind;

    @Label("Application Frame")
    @Description("The first frame of application code above the loop: the handler or callback")
    String callback;

    @Label("Coroutine")
    @Description("The body frame of the resumed coroutine whose step this is, if any")
    String coroutine;

    @Label("Loop Stack")
    @Description("The loop thread's stack, sampled while the task was still running")
    String stack;

    /** Commits one event if a recording wants it; on the watchdog thread. */
    static void commit(Thread owner, long busyNanos, long thresholdNanos, SlowStepReport.Task task,
            StackTraceElement[] frames) {
        SlowStepEvent e = new SlowStepEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.loopThread = owner;
        e.busy = busyNanos;
        e.threshold = thresholdNanos;
        e.kind = task.kind;
        e.callback = task.callback == null ? null : SlowStepReport.frame(task.callback);
        e.coroutine = task.coroutine == null ? null : SlowStepReport.frame(task.coroutine);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(frames.length, 64); i++) {
            b.append(SlowStepReport.frame(frames[i])).append('\n');
        }
        e.stack = b.toString();
        e.commit();
    }
}
