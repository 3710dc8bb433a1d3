package io.squall;

import java.lang.System.Logger.Level;
import java.util.Set;

/**
 * Turns one slow step seen by {@link SlowStepWatchdog} into the warning and the JFR event: it reads the
 * sampled stack of the loop thread to say what the loop was running (the loop's own frames say whether it
 * was a callback or an I/O handler; the first application frame above them is the method the user wrote;
 * a {@code $squall$resume} frame means a suspended coroutine was resumed, and the frame above it is that
 * coroutine's body). Runs on the watchdog thread.
 */
final class SlowStepReport {

    private static final System.Logger LOGGER = System.getLogger(SlowStepDetector.LOGGER);
    private static final String IOLOOP = IOLoop.class.getName();
    /** The agent's name suffix for the static bridge that re-enters a coroutine's body when it resumes. */
    private static final String RESUME_SUFFIX = "$squall$resume";
    /** The continuation's frame under a resumed coroutine (directly, or through method-handle frames). */
    private static final String CONTINUATION = "io.squall.internal.Continuation";
    private static final Set<String> RUNTIME_PACKAGES = Set.of("io.squall", "io.squall.internal", "io.squall.net",
            "io.squall.http", "io.squall.sync", "io.squall.websocket", "io.squall.testing");
    private static final int MAX_FRAMES = 200;
    /** The longest block of frames {@link #appendStack} folds when it repeats. */
    private static final int MAX_PERIOD = 8;
    /** False once the JFR classes turned out to be missing (a runtime image without jdk.jfr). */
    private static volatile boolean jfr = true;

    /** What the sampled stack says the loop is running. */
    static final class Task {
        /** "callback" (a callback, timer or coroutine resumption), "I/O handler", or "task" when unknown. */
        String kind = "task";
        /** The first application frame above the loop's frames: the handler or callback the user wrote. */
        StackTraceElement callback;
        /** The body frame of the coroutine whose step this is, when a suspended coroutine was resumed. */
        StackTraceElement coroutine;
        /** The top frame: where the loop thread is now. */
        StackTraceElement top;
        /** The innermost application frame: the user's code that made the blocking call (or is busy). */
        StackTraceElement caller;
        /** The frame the innermost application frame called (a JDK or library method), or null. */
        StackTraceElement called;
        /** The outermost frame that loads or initialises a class ({@code loadClass}, a {@code <clinit>}), or null. */
        StackTraceElement classLoad;
        /** The frame that triggered {@link #classLoad}, or null. */
        StackTraceElement classLoadCaller;
        /** Whether a static initialiser of an application class is running (user code, however it was reached). */
        boolean applicationInitialiser;

        /**
         * Whether the step is only the JVM loading, linking or the agent rewriting classes (a cold start's
         * one-off work, reported at INFO), not the application's code nor a static initialiser of its own.
         */
        boolean coldStartOnly() {
            return classLoad != null && !applicationInitialiser;
        }
    }

    private SlowStepReport() {
    }

    /**
     * Loads what a report needs (the logger, the formatting) ahead of the first slow step, so that the first
     * report is not itself slow; on the watchdog thread. JFR's classes are loaded only once a recording is on.
     */
    static void prepare() {
        LOGGER.isLoggable(Level.WARNING);
        frame(new StackTraceElement("C", "m", "F.java", 1));
    }

    /** Reads a sampled loop-thread stack (index 0 is the top). */
    static Task analyse(StackTraceElement[] stack) {
        Task task = new Task();
        task.top = stack.length > 0 ? stack[0] : null;
        int loopFrame = stack.length;
        for (int i = 0; i < stack.length; i++) {
            StackTraceElement f = stack[i];
            if (f.getClassName().equals(IOLOOP)) {
                String m = f.getMethodName();
                if (m.equals("runTask") || m.equals("drainImmediate")) {
                    task.kind = "callback";
                    loopFrame = i;
                    break;
                }
                if (m.equals("select")) {
                    task.kind = "I/O handler";
                    loopFrame = i;
                    break;
                }
            }
        }
        for (int i = loopFrame - 1; i >= 0; i--) {
            StackTraceElement f = stack[i];
            if (task.coroutine == null && i > 0 && (f.getMethodName().endsWith(RESUME_SUFFIX)
                    || (f.getClassName().equals(CONTINUATION) && f.getMethodName().equals("resumeBody")))) {
                // the coroutine's own method: the first application frame above the continuation, past the
                // bridge or (resumed through a method handle, as under a debugger) java.lang.invoke frames
                for (int k = i - 1; k >= 0; k--) {
                    if (isApplication(stack[k])) {
                        task.coroutine = stack[k];
                        break;
                    }
                }
            }
            if (f.getMethodName().equals("<clinit>") && isApplication(f)) {
                task.applicationInitialiser = true;
            }
            if (task.callback == null && isApplication(f)) {
                // A coroutine's first run shows its entry (no line) under its body (with the line): name the body.
                task.callback = f.getLineNumber() < 0 && i > 0 && sameMethod(f, stack[i - 1]) ? stack[i - 1] : f;
            }
        }
        for (int i = loopFrame - 1; i >= 0; i--) {
            if (isClassLoading(stack[i])) {
                task.classLoad = stack[i];
                task.classLoadCaller = i + 1 < stack.length ? stack[i + 1] : null;
                break;
            }
        }
        for (int i = 0; i < loopFrame; i++) {
            if (isApplication(stack[i])) {
                task.caller = stack[i];
                task.called = i > 0 ? stack[i - 1] : null;
                break;
            }
        }
        return task;
    }

    private static boolean sameMethod(StackTraceElement a, StackTraceElement b) {
        return a.getClassName().equals(b.getClassName()) && a.getMethodName().equals(b.getMethodName());
    }

    /**
     * True for a frame that loads, defines, rewrites or initialises a class: a cold start's one-off work, which a
     * slow step's report should not present as the application's blocking call.
     */
    static boolean isClassLoading(StackTraceElement f) {
        String c = f.getClassName();
        String m = f.getMethodName();
        return m.equals("<clinit>") || (c.equals("java.lang.ClassLoader") && (m.startsWith("loadClass")
                || m.startsWith("defineClass"))) || c.startsWith("jdk.internal.loader.") || c.startsWith("io.squall.agent.")
                // the first run of a lambda or string concatenation links its call site, defining a hidden class
                || (c.equals("java.lang.invoke.MethodHandleNatives") && m.startsWith("link"));
    }

    /** True for a frame of the user's code: neither the JDK's nor Squall's runtime. */
    static boolean isApplication(StackTraceElement f) {
        String c = f.getClassName();
        if (c.contains("$$Lambda") || c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.")
                || c.startsWith("sun.") || c.startsWith("com.sun.")) {
            return false;
        }
        if (f.getMethodName().endsWith(RESUME_SUFFIX)) {
            return false; // the agent's bridge: the body above it is the user's method
        }
        if (c.startsWith("io.squall.agent.")) {
            return false; // the agent rewriting a class as it loads, with its shaded ASM and Byte Buddy
        }
        int dot = c.lastIndexOf('.');
        return !RUNTIME_PACKAGES.contains(dot < 0 ? "" : c.substring(0, dot));
    }

    /**
     * Logs, at INFO, that a reported step is over and how long it ran in all (the warning gave only the time so
     * far, at one threshold). The end is seen at the watchdog's next look, so the total is accurate to about a
     * quarter of the threshold.
     */
    static void ended(String threadName, Task task, long reportedAfterNanos, long totalNanos) {
        StringBuilder b = new StringBuilder(160).append("Slow step ended: the ")
                .append(task != null ? task.kind : "task").append(" reported on thread '").append(threadName)
                .append("' after ").append(reportedAfterNanos / 1_000_000).append(" ms ran for about ")
                .append(totalNanos / 1_000_000).append(" ms in all");
        if (task != null && task.callback != null) {
            b.append(" (in ").append(frame(task.callback)).append(')');
        }
        LOGGER.log(Level.INFO, b.append("; its loop ran nothing else meanwhile.").toString());
    }

    /**
     * Logs the report (a warning; at INFO when the step is only class loading, see {@link Task#coldStartOnly}) and
     * commits the JFR event; returns what the stack said the loop was running.
     */
    static Task report(IOLoop loop, Thread owner, StackTraceElement[] stack, long busyNanos, long thresholdNanos) {
        Task task = analyse(stack);
        String message = message(loop, owner, stack, task, busyNanos, thresholdNanos);
        // A step that is only the JVM loading or the agent rewriting classes is a cold start's one-off cost:
        // INFO, so a fresh server's first requests do not log warnings; the report is the same.
        LOGGER.log(task.coldStartOnly() ? Level.INFO : Level.WARNING, message);
        if (jfr) {
            try {
                // Only once JFR is up (a recording was started): an application that never records does not
                // pay for loading JFR's event machinery.
                if (jdk.jfr.FlightRecorder.isInitialized()) {
                    SlowStepEvent.commit(owner, busyNanos, thresholdNanos, task, stack);
                }
            } catch (LinkageError noJfr) {
                jfr = false;
            }
        }
        return task;
    }

    /**
     * A frame as an exception's stack trace prints it ({@code java.base/java.lang.Thread.sleep(Native Method)},
     * {@code com.example.Api.load(Api.java:42)}): the module without its version, no class loader name.
     */
    static String frame(StackTraceElement f) {
        StringBuilder b = new StringBuilder(96);
        if (f.getModuleName() != null) {
            b.append(f.getModuleName()).append('/');
        }
        b.append(f.getClassName()).append('.').append(f.getMethodName()).append('(');
        if (f.isNativeMethod()) {
            b.append("Native Method");
        } else if (f.getFileName() == null) {
            b.append("Unknown Source");
        } else {
            b.append(f.getFileName());
            if (f.getLineNumber() >= 0) {
                b.append(':').append(f.getLineNumber());
            }
        }
        return b.append(')').toString();
    }

    static String message(IOLoop loop, Thread owner, StackTraceElement[] stack, Task task, long busyNanos,
            long thresholdNanos) {
        StringBuilder b = new StringBuilder(2048);
        b.append("Slow step: ").append(loop).append(" has been running one ").append(task.kind).append(" for ")
                .append(busyNanos / 1_000_000).append(" ms (threshold ").append(thresholdNanos / 1_000_000)
                .append(" ms); nothing else on this loop runs until it returns.");
        b.append("\n    in: ").append(task.callback != null ? frame(task.callback) : "(no application frame: "
                + (stack.length > 0 ? "see the stack" : "the stack could not be sampled") + ")");
        if (task.coroutine != null) {
            b.append("\n    coroutine: ").append(task.coroutine.getClassName()).append('.')
                    .append(task.coroutine.getMethodName()).append(", resumed from one of its awaits (this step"
                    + " began there); now at ").append(frame(task.coroutine));
        }
        if (task.called != null) {
            b.append("\n    blocked in: ").append(frame(task.called)).append(", called from ")
                    .append(frame(task.caller));
        } else if (task.caller != null) {
            b.append("\n    busy in: ").append(frame(task.caller));
        } else if (task.top != null) {
            b.append("\n    blocked in: ").append(frame(task.top));
        }
        if (task.classLoad != null) {
            b.append("\n    class loading: the loop thread is loading or initialising a class, at ")
                    .append(frame(task.classLoad));
            if (task.classLoadCaller != null) {
                b.append(", called from ").append(frame(task.classLoadCaller));
            }
            b.append(". Usually the one-off cost of a cold start (the JVM loading classes, the agent rewriting"
                    + " them, static initialisers running), not blocking code; look further only if it repeats or"
                    + " a static initialiser of yours does I/O or sleeps.");
        }
        b.append("\n    Move blocking work off the loop (IOLoop.runInExecutor) or await a non-blocking"
                + " equivalent. Threshold: -D").append(SlowStepDetector.PROPERTY)
                .append("=<ms> or SlowStepDetector.setThreshold(); off: -D").append(SlowStepDetector.PROPERTY)
                .append("=0 or SlowStepDetector.disable().");
        b.append("\n    Stack of ").append(owner.getName()).append(", sampled while the ").append(task.kind)
                .append(" was still running:");
        appendStack(b, stack);
        return b.toString();
    }

    /**
     * Appends the frames, a recursion folded: a block of up to {@link #MAX_PERIOD} frames repeated three times or
     * more in a row is printed once, with how often it repeats, so that the bottom of a deep stack (a chain of
     * coroutines resumed one inside the other, a recursive call) is still shown within {@link #MAX_FRAMES} lines.
     */
    static void appendStack(StringBuilder b, StackTraceElement[] stack) {
        int lines = 0;
        int i = 0;
        while (i < stack.length && lines < MAX_FRAMES) {
            int period = 0;
            int times = 1;
            for (int k = 1; k <= MAX_PERIOD && period == 0; k++) {
                int t = repeats(stack, i, k);
                if (t >= 3) {
                    period = k;
                    times = t;
                }
            }
            if (period == 0) {
                b.append("\n        at ").append(frame(stack[i++]));
                lines++;
                continue;
            }
            for (int j = 0; j < period; j++) {
                b.append("\n        at ").append(frame(stack[i + j]));
            }
            b.append("\n        ... ").append(period == 1 ? "the frame above repeats " : "the " + period
                    + " frames above repeat ").append(times - 1).append(times == 2 ? " more time" : " more times");
            i += period * times;
            lines += period + 1;
        }
        if (i < stack.length) {
            b.append("\n        ... ").append(stack.length - i).append(" more");
        }
    }

    /** How many times the block of {@code period} frames at {@code from} occurs in a row from there. */
    private static int repeats(StackTraceElement[] stack, int from, int period) {
        int times = 1;
        while (from + (times + 1) * period <= stack.length && sameBlock(stack, from, from + times * period, period)) {
            times++;
        }
        return times;
    }

    private static boolean sameBlock(StackTraceElement[] stack, int a, int b, int period) {
        for (int j = 0; j < period; j++) {
            if (!stack[a + j].equals(stack[b + j])) {
                return false;
            }
        }
        return true;
    }
}
