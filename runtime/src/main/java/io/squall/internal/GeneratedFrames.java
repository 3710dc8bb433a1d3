package io.squall.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes the agent's generated frames from an exception that leaves a coroutine, so its stack trace shows
 * the user's method once, with its line: the <em>entry</em> (the declared method, which only calls the body
 * and has no line numbers) right under the body's frame, and the synthetic resume bridge
 * ({@code name$N$squall$resume}) under a resumed body. Called by the rewritten code on the failure path only
 * (the entry's {@code catch (Throwable)}, the bridge's), never on the happy path; the instance is the
 * original one, its trace changed with {@code setStackTrace}. An exception the user's code catches inside the
 * coroutine keeps the frames (nothing runs there). Off with {@code -Dio.squall.asyncTraces=false}, like the
 * async traces, since reading a trace costs about as much as printing it.
 */
public final class GeneratedFrames {

    private GeneratedFrames() {
        throw new AssertionError("no instances");
    }

    /**
     * {@code t} leaves the entry of coroutine {@code method} of {@code className}: drop each frame of that
     * method without a line that sits directly under a kept frame of the same method (the body it called).
     * Any thread.
     *
     * @param t the exception the body threw
     * @param className the coroutine's class, binary name
     * @param method the coroutine's name
     * @return {@code t}
     */
    public static Throwable leavingEntry(Throwable t, String className, String method) {
        if (!AsyncTraces.ENABLED) {
            return t;
        }
        StackTraceElement[] frames = t.getStackTrace();
        List<StackTraceElement> kept = new ArrayList<>(frames.length);
        boolean previousKeptIsBody = false;
        for (StackTraceElement f : frames) {
            boolean same = f.getMethodName().equals(method) && f.getClassName().equals(className);
            if (same && previousKeptIsBody && f.getLineNumber() < 0) {
                previousKeptIsBody = false;
                continue;
            }
            kept.add(f);
            previousKeptIsBody = same;
        }
        if (kept.size() != frames.length) {
            t.setStackTrace(kept.toArray(new StackTraceElement[0]));
        }
        return t;
    }

    /**
     * {@code t} leaves a resumed body through its resume bridge {@code bridge} of {@code className}: drop the
     * bridge's frames. Loop thread.
     *
     * @param t the exception the body threw
     * @param className the coroutine's class, binary name
     * @param bridge the bridge's name
     * @return {@code t}
     */
    public static Throwable leavingBridge(Throwable t, String className, String bridge) {
        if (!AsyncTraces.ENABLED) {
            return t;
        }
        StackTraceElement[] frames = t.getStackTrace();
        List<StackTraceElement> kept = new ArrayList<>(frames.length);
        for (StackTraceElement f : frames) {
            if (!(f.getMethodName().equals(bridge) && f.getClassName().equals(className))) {
                kept.add(f);
            }
        }
        if (kept.size() != frames.length) {
            t.setStackTrace(kept.toArray(new StackTraceElement[0]));
        }
        return t;
    }
}
