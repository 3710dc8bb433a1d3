package io.squall.internal;

import java.util.Map;
import java.util.WeakHashMap;

import io.squall.Future;

/**
 * Async stack traces: an exception that crosses an {@code await} gets the awaiting coroutine's frame at that
 * {@code await} appended to its stack trace, after its real frames and a boundary frame
 * {@code io.squall.Async.await(awaited by)}, so that a trace reads from the innermost failure out to the
 * coroutine that {@code runSync} or a request handler awaited:
 *
 * <pre>
 * java.io.IOException: connection reset
 *     at ... (the real frames, where it was thrown)
 *     at io.squall.Async.await(awaited by)
 *     at com.example.Repo.load(Repo.java:20)
 *     at com.example.Api.get(Api.java:31)
 * </pre>
 *
 * <p>The instance is the original one (its stack trace is extended with {@code setStackTrace}; an exception
 * created without a writable stack trace is left alone). Nothing here runs unless a failure reaches a
 * suspended coroutine, and the frames come from the await-site table the agent recorded ({@link AwaitSites}):
 * no stack is walked. Turned off with {@code -Dio.squall.asyncTraces=false}.
 *
 * <p>One exception delivered to several coroutines (one failed future awaited by two coroutines) gets the
 * chain of the first one that resumes: a later awaiter of the same future adds nothing, so the frames
 * form one chain. At most {@value #MAX_FRAMES} frames are appended to one exception. Cancellations ({@link java.util.concurrent.CancellationException}) are left alone.
 */
public final class AsyncTraces {

    /** System property that turns async stack traces off ({@code false}); on by default. */
    public static final String PROPERTY = "io.squall.asyncTraces";

    /** Whether async stack traces are on: read once, at class initialisation. */
    public static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    /** The boundary between the real frames and the awaiting coroutines'. */
    public static final StackTraceElement BOUNDARY = new StackTraceElement("io.squall.Async", "await", "awaited by", -1);

    /** Most awaiting frames appended to one exception (a failure rethrown in a loop cannot grow without bound). */
    static final int MAX_FRAMES = 256;

    /** Per exception that crossed an await: the coroutine at the end of its chain so far. */
    private static final Map<Throwable, Chain> CHAINS = new WeakHashMap<>();

    private static final class Chain {
        /** The coroutine whose frame was appended last. */
        Continuation last;
        /** The future through which the failure reached it. */
        Future<?> lastFrom;
        int frames;
    }

    private AsyncTraces() {
        throw new AssertionError("no instances");
    }

    /**
     * {@code t} is about to be thrown by the {@code await} at which {@code c} resumes: append {@code c}'s
     * frame there, unless the exception already carries another coroutine's chain. Loop thread.
     *
     * @param t the failure of the awaited future
     * @param c the resuming coroutine
     * @param from the future it awaited
     */
    static void crossed(Throwable t, Continuation c, Future<?> from) {
        if (t instanceof java.util.concurrent.CancellationException) {
            return;
        }
        StackTraceElement site = AwaitSites.siteOf(c);
        if (site == null) {
            return;
        }
        synchronized (CHAINS) {
            Chain chain = CHAINS.get(t);
            if (chain == null) {
                chain = new Chain();
                CHAINS.put(t, chain);
            } else if (from instanceof Continuation ? chain.last != from : chain.lastFrom == from) {
                // Delivered to several awaiters (or awaited again): the frames already form one chain, keep it.
                // A plain future other than the last one is a wrapper (Gen.withTimeout, a Scope) passing the
                // failure of the coroutine it followed: the chain goes on through it.
                return;
            }
            if (chain.frames >= MAX_FRAMES) {
                return;
            }
            StackTraceElement[] real = t.getStackTrace();
            if (real.length == 0) {
                return; // not writable, or deliberately empty: leave it alone
            }
            boolean first = chain.frames == 0 && !hasBoundary(real);
            StackTraceElement[] more = java.util.Arrays.copyOf(real, real.length + (first ? 2 : 1));
            if (first) {
                more[real.length] = BOUNDARY;
            }
            more[more.length - 1] = site;
            t.setStackTrace(more);
            chain.frames++;
            chain.last = c;
            chain.lastFrom = from;
        }
    }

    /**
     * {@code t} is thrown by an {@code await} whose future had already failed, so no coroutine suspended and
     * {@link #crossed} never ran. When {@code t} was made elsewhere (a CompletableFuture or an executor task
     * that failed on another thread before the await was reached, a failed future made earlier and kept), none
     * of its frames shows the awaiting method: append the await site, read from the caller's stack (a stack walk,
     * on this failure path only). A failure thrown beneath the awaiting method (a coroutine that failed before
     * it suspended, called from here) already shows it, and is left alone. Any thread.
     *
     * @param t the failure about to be thrown by the await
     */
    static void awaitedAtOnce(Throwable t) {
        if (t instanceof java.util.concurrent.CancellationException) {
            return;
        }
        synchronized (CHAINS) {
            if (CHAINS.containsKey(t)) {
                return; // it crossed a suspension: that chain goes on from the coroutines that resume
            }
        }
        StackTraceElement[] real = t.getStackTrace();
        if (real.length == 0 || real.length >= MAX_FRAMES * 4) {
            return;
        }
        StackTraceElement site = StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(CoroutineSupport.class.getName())
                        && !f.getClassName().equals(AsyncTraces.class.getName()))
                .findFirst().map(StackWalker.StackFrame::toStackTraceElement).orElse(null));
        if (site == null) {
            return;
        }
        for (StackTraceElement e : real) {
            if (e.getMethodName().equals(site.getMethodName()) && e.getClassName().equals(site.getClassName())) {
                return;
            }
        }
        boolean first = !hasBoundary(real);
        StackTraceElement[] more = java.util.Arrays.copyOf(real, real.length + (first ? 2 : 1));
        if (first) {
            more[real.length] = BOUNDARY;
        }
        more[more.length - 1] = new StackTraceElement(site.getClassName(), site.getMethodName(), site.getFileName(),
                site.getLineNumber());
        t.setStackTrace(more);
    }

    private static boolean hasBoundary(StackTraceElement[] frames) {
        for (StackTraceElement e : frames) {
            if (BOUNDARY.equals(e)) {
                return true;
            }
        }
        return false;
    }
}
