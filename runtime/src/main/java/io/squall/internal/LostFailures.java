package io.squall.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Failed futures nobody has retrieved yet, so they can be reported when their loop closes or the JVM exits,
 * not only when a garbage collection happens to collect them. Each is reported once. Only failures are
 * tracked (a succeeded future costs nothing here). Thread-safe.
 *
 * <p>With {@code -Dio.squall.debug.futureOrigins=true} every {@link io.squall.Future} records where it was
 * created (a stack trace, so it is slow: for debugging), and the "never retrieved" report says so.
 */
public final class LostFailures {

    /** System property turning on the recording of where each Future is created. */
    public static final String ORIGINS_PROPERTY = "io.squall.debug.futureOrigins";
    /** Read once: when false (the default) a Future records nothing. */
    public static final boolean ORIGINS = Boolean.getBoolean(ORIGINS_PROPERTY);

    /** Each unretrieved failure (its report as a Runnable) and the thread it was completed on. */
    private static final Map<Runnable, Thread> PENDING = new ConcurrentHashMap<>();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    private static volatile boolean exiting;

    private LostFailures() {
        throw new AssertionError("no instances");
    }

    /**
     * Starts watching a failure; {@code report} logs it when run (and must call {@link #forget} itself).
     *
     * @param report reports the failure; identity is the key
     */
    public static void watch(Runnable report) {
        if (HOOKED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(LostFailures::reportAtExit,
                        "squall-lost-failures"));
            } catch (IllegalStateException alreadyExiting) {
                // the JVM is already shutting down: nothing more can be reported at exit
            }
        }
        PENDING.put(report, Thread.currentThread());
    }

    /**
     * Stops watching a failure (it was retrieved or reported).
     *
     * @param report what {@link #watch} was given
     */
    public static void forget(Runnable report) {
        PENDING.remove(report);
    }

    /**
     * Reports the unretrieved failures that were completed on {@code loopThread}: called by
     * {@code IOLoop.close()}, when nothing on that loop can retrieve them any more.
     *
     * @param loopThread the closing loop's thread
     * @return how many were reported
     */
    public static int reportCompletedOn(Thread loopThread) {
        List<Runnable> due = new ArrayList<>();
        PENDING.forEach((r, t) -> {
            if (t == loopThread) {
                due.add(r);
            }
        });
        due.forEach(Runnable::run);
        return due.size();
    }

    private static void reportAtExit() {
        exiting = true;
        new ArrayList<>(PENDING.keySet()).forEach(Runnable::run);
    }

    /**
     * Logs a failure nobody retrieved. At JVM exit it goes straight to standard error (logging may already
     * be shut down by then).
     *
     * @param cause the failure
     * @param origin where the Future was created, or null if not recorded
     */
    public static void log(Throwable cause, Throwable origin) {
        String message = "Future exception was never retrieved: " + Log.describe(cause)
                + (origin != null ? "; the Future was created at " + where(origin)
                        : "; run with -D" + ORIGINS_PROPERTY + "=true to see where the Future was created");
        if (exiting) {
            System.err.println("[squall] at exit: " + message);
            cause.printStackTrace();
        } else {
            Log.error(message, cause);
        }
    }

    /** The first frames outside Squall's core, where user code created the Future. */
    private static String where(Throwable origin) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        StackTraceElement last = null;
        for (StackTraceElement e : origin.getStackTrace()) {
            String c = e.getClassName();
            if (shown == 0 && (c.startsWith("io.squall.Future") || c.startsWith("io.squall.internal."))) {
                continue;
            }
            if (last != null && e.getLineNumber() < 0 && c.equals(last.getClassName())
                    && e.getMethodName().equals(last.getMethodName())) {
                continue; // a coroutine's entry under its body: the same method again, without a line
            }
            last = e;
            if (shown == 3) {
                break;
            }
            sb.append(shown++ == 0 ? "" : " <- ").append(e);
        }
        return sb.toString();
    }
}
