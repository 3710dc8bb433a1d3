package io.squall.internal;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Opt-in record of where each suspended coroutine awaits, for diagnostics (the squall-testing kit names the
 * {@code await} a timed-out test is stuck at).
 *
 * <p>Off by default and then free: {@link Continuation#suspend} reads one plain static boolean. When a tool
 * turns it on with {@link #enable()}, every suspension walks the stack once to find the frame of the
 * coroutine body that called {@code suspend} (its class, method, source file and line) and keeps it in a
 * weak side table keyed by the continuation, so nothing is added to the continuation itself.
 *
 * <p>Today the site is found at run time with a {@link StackWalker}; a later issue will let the agent record
 * the file and line of each await site when it rewrites the class, making this table unnecessary.
 */
public final class AwaitSites {

    /**
     * Read by {@link Continuation#suspend} on every suspension. A plain (not volatile) field on purpose: it
     * is turned on once, before the loop that runs the coroutines starts, from the thread that starts it.
     */
    static boolean enabled;

    private static final Map<Continuation, StackTraceElement> SITES = new WeakHashMap<>();
    private static final StackWalker WALKER = StackWalker.getInstance();

    private AwaitSites() {
        throw new AssertionError("no instances");
    }

    /**
     * Starts recording await sites in this JVM (a stack walk per suspension, a few microseconds). Call it
     * before starting the loops to watch. Idempotent.
     */
    public static void enable() {
        enabled = true;
    }

    /** Stops recording and forgets the sites recorded so far. */
    public static void disable() {
        enabled = false;
        synchronized (SITES) {
            SITES.clear();
        }
    }

    /**
     * Tells whether await sites are recorded.
     *
     * @return true after {@link #enable()}
     */
    public static boolean isEnabled() {
        return enabled;
    }

    /**
     * Returns where {@code c} last suspended, if sites were recorded then.
     *
     * @param c a continuation (the Future of a suspended coroutine)
     * @return the frame of the coroutine at its {@code await}, or null if unknown
     */
    public static StackTraceElement siteOf(Continuation c) {
        synchronized (SITES) {
            return SITES.get(c);
        }
    }

    /** Records the caller of {@link Continuation#suspend}: the rewritten body, at its await. */
    static void record(Continuation c) {
        StackTraceElement site = WALKER.walk(frames -> frames
                .dropWhile(f -> !f.getClassName().equals(Continuation.class.getName()))
                .dropWhile(f -> f.getClassName().equals(Continuation.class.getName()))
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
        if (site != null) {
            synchronized (SITES) {
                SITES.put(c, site);
            }
        }
    }
}
