package io.squall;

import java.lang.StackWalker.StackFrame;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.Collectors;

import io.squall.internal.NoLoopException;

/**
 * Which thread may get an {@link IOLoop} without asking for one. Squall's APIs that need "the current loop"
 * (a coroutine's first {@code await}, {@link Gen#sleep}, {@link Gen#moment}, {@link Gen#withTimeout},
 * {@link Gen#timeout}, {@link PeriodicCallback#start()}, {@code new AsyncHTTPClient()},
 * {@code AsyncHTTPClient.shared()}, {@code TCPClient.connect}, {@code WebSocket.connect}, the sync primitives)
 * call {@link IOLoop#current()}, which makes a loop for a thread that has none. On a worker thread that loop
 * is never run, so the work would never complete and a coroutine would never resume. The rule, checked only
 * when {@code current()} is about to make a thread's first loop ({@link #creating}), is asyncio's:
 *
 * <ul>
 *   <li>a thread that already has a current loop (running or not yet started, made by {@code current()},
 *       {@link IOLoop#makeCurrent()}, {@code start()} or {@code runSync()}) uses it;</li>
 *   <li>application code calling {@code IOLoop.current()} itself (outside a coroutine) always gets a loop:
 *       that is how a thread says it will run one (set up, then {@code start()}), on any thread;</li>
 *   <li>the JVM's main thread (the launcher's thread, which runs {@code main}: the one thread that was not
 *       started by {@link Thread#start()}; recognised by the bottom of its stack, not by its name) also gets
 *       one implicitly, from a Squall API or a coroutine;</li>
 *   <li>on any other thread (pool workers of a {@code ThreadPoolExecutor} or {@code ForkJoinPool},
 *       {@link IOLoop#runInExecutor} workers, virtual threads, plain {@code new Thread}s) a Squall API or a
 *       coroutine that needs a loop there is refused at once with a {@link NoLoopException} naming the call,
 *       the thread, the loop that runs elsewhere and what to do.</li>
 * </ul>
 *
 * <p>A thread whose current loop is closed but still current (closed from another thread, or while its
 * coroutines unwind inside {@code close()}) gets a new one, as before; {@code close()} on the loop's own
 * thread forgets it, and that thread is then judged as above. The check walks the calling thread's stack once per loop it makes (a loop opens a selector, which
 * costs far more); nothing is checked once a thread has its loop. Thread-safe.
 */
final class LoopOwnership {

    /** Loops inside {@link IOLoop#start()} now, for naming one in the refusal. */
    private static final Set<IOLoop> RUNNING = ConcurrentHashMap.newKeySet();
    /** On a {@link IOLoop#runInExecutor} worker while it runs a task: the loop that handed it out. */
    private static final ThreadLocal<IOLoop> EXECUTOR_OF = new ThreadLocal<>();
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** How a coroutine's body (the agent's rewrite of a {@code @Coroutine} method) ends its descriptor. */
    private static final String BODY_DESCRIPTOR_END = "Lio/squall/internal/Continuation;)Ljava/lang/Object;";
    /** The packages of the runtime (loaded with {@link IOLoop}'s protection domain). */
    private static final Set<String> RUNTIME_PACKAGES = Set.of("io.squall", "io.squall.internal", "io.squall.net",
            "io.squall.http", "io.squall.websocket", "io.squall.sync");
    private static final ProtectionDomain RUNTIME = IOLoop.class.getProtectionDomain();
    /** The launcher's thread, once recognised. */
    private static volatile Thread launcher;

    private LoopOwnership() {
        throw new AssertionError("no instances");
    }

    /** Called by {@link IOLoop#start()} as it begins ({@code true}) and ends ({@code false}). */
    static void running(IOLoop loop, boolean on) {
        if (on) {
            RUNNING.add(loop);
        } else {
            RUNNING.remove(loop);
        }
    }

    /** Runs a {@link IOLoop#runInExecutor} task, remembering which loop's worker this thread is meanwhile. */
    static <T> T callFor(IOLoop loop, Callable<T> fn) throws Exception {
        IOLoop previous = EXECUTOR_OF.get();
        EXECUTOR_OF.set(loop);
        try {
            return fn.call();
        } finally {
            if (previous == null) {
                EXECUTOR_OF.remove();
            } else {
                EXECUTOR_OF.set(previous);
            }
        }
    }

    /**
     * Returns the loop a loop-bound helper called on this thread schedules on: {@link IOLoop#current()}, whose
     * check ({@link #creating}) refuses a worker thread without a loop of its own.
     *
     * @param op the helper, for the reader ("Gen.sleep()"); the refusal names it from the stack
     * @return the calling thread's current loop
     * @throws NoLoopException on a worker thread without a loop of its own
     */
    static IOLoop currentFor(String op) {
        return IOLoop.current();
    }

    /**
     * Called by {@link IOLoop#current()} just before it makes a loop for the calling thread: refuses, with a
     * {@link NoLoopException}, a thread that is not entitled to one implicitly (see the class comment).
     *
     * @param previous the thread's closed loop being replaced, or null for its first
     * @throws NoLoopException if a coroutine or a Squall API needs a loop on a thread that has none of its own
     */
    static void creating(IOLoop previous) {
        Thread me = Thread.currentThread();
        if (previous != null || me == launcher) {
            return;
        }
        String refusal = WALKER.walk(frames -> refusal(me, frames.collect(Collectors.toList())));
        if (refusal != null) {
            throw new NoLoopException(refusal);
        }
    }

    /** The refusal's message, or null when {@code me} may get a loop here. */
    private static String refusal(Thread me, List<StackFrame> frames) {
        if (frames.isEmpty()) {
            return null;
        }
        StackFrame bottom = frames.get(frames.size() - 1);
        if (!("run".equals(bottom.getMethodName()) && Thread.class.isAssignableFrom(bottom.getDeclaringClass()))) {
            launcher = me; // not started by Thread.start(): the launcher's thread, whatever its name
            return null;
        }
        int current = 0;
        while (current < frames.size() && !(frames.get(current).getDeclaringClass() == IOLoop.class
                && "current".equals(frames.get(current).getMethodName()))) {
            current++;
        }
        if (current + 1 >= frames.size()) {
            return null;
        }
        int body = -1;
        int callerAt = -1;
        for (int i = current + 1; i < frames.size(); i++) {
            StackFrame f = frames.get(i);
            if (f.getDescriptor().endsWith(BODY_DESCRIPTOR_END)) {
                body = i; // the outermost coroutine: the one this thread called (its entry is the next frame)
                callerAt = i + 2;
            } else if (isCoroutineMethod(f)) {
                body = i; // a coroutine kept in its own method (the debugger layout), or a split one's entry
                callerAt = i + 1;
            }
        }
        String thread = "thread '" + me.getName() + "', " + kind(me, frames) + ", which has no IOLoop of its own"
                + elsewhere();
        if (body >= 0) {
            StackFrame coroutine = frames.get(body);
            String name = coroutine.getDeclaringClass().getName() + "." + coroutine.getMethodName();
            String simple = coroutine.getMethodName();
            StackFrame caller = callerAt < frames.size() ? frames.get(callerAt) : null;
            return "The coroutine " + name + " was called on " + thread
                    + (caller != null ? " (called from " + caller.toStackTraceElement() + ")" : "")
                    + ": at its first await it would suspend on a new loop of this thread that nobody runs, and never"
                    + " resume. Call coroutines on a loop's thread: from another thread, hand the call to the loop with"
                    + " loop.spawnCallback(() -> " + simple + "(...)) or loop.addCallback(() -> ...) (safe from any"
                    + " thread; take loop = IOLoop.current() on the loop thread); a blocking caller can instead run it"
                    + " on a loop of this thread with IOLoop.current().runSync(() -> " + simple + "(...)). If this"
                    + " thread is meant to run a loop of its own, create it first with IOLoop.current() and start() it"
                    + " (only the main thread gets a loop implicitly).";
        }
        if (!isRuntime(frames.get(current + 1))) {
            return null; // the application asked for this thread's loop itself: it means to run it
        }
        int api = current + 1;
        while (api + 1 < frames.size() && isRuntime(frames.get(api + 1))) {
            api++;
        }
        return opName(frames.get(api)) + " was called on " + thread + ": it needs this thread's current loop, and"
                + " would schedule on a new one that nobody runs, and never complete. Loop-bound calls belong on the"
                + " loop's own thread. From a worker thread, hand the work to the loop with loop.addCallback(() ->"
                + " ...) (safe from any thread; take loop = IOLoop.current() on the loop thread), or finish the"
                + " blocking part first (await(loop.runInExecutor(...))) and go on on the loop. If this thread is"
                + " meant to run a loop of its own, create it first with IOLoop.current() and start() it (only the"
                + " main thread gets a loop implicitly).";
    }

    /** Whether {@code f} runs a method annotated {@code @Coroutine} (looked up only on this refusal path). */
    private static boolean isCoroutineMethod(StackFrame f) {
        try {
            return f.getDeclaringClass().getDeclaredMethod(f.getMethodName(), f.getMethodType().parameterArray())
                    .isAnnotationPresent(io.squall.annotations.Coroutine.class);
        } catch (NoSuchMethodException | SecurityException | LinkageError e) {
            return false;
        }
    }

    /** What kind of thread {@code me} is, for the message. */
    private static String kind(Thread me, List<StackFrame> frames) {
        IOLoop origin = EXECUTOR_OF.get();
        if (origin != null) {
            return "a runInExecutor worker of the IOLoop of thread '" + origin.ownerName() + "'";
        }
        if ("java.lang.VirtualThread".equals(me.getClass().getName())) {
            return "a virtual thread";
        }
        if (me instanceof ForkJoinWorkerThread) {
            return "a ForkJoinPool worker (parallel streams and CompletableFuture's *Async methods run there)";
        }
        for (StackFrame f : frames) {
            if (f.getDeclaringClass() == java.util.concurrent.ThreadPoolExecutor.class) {
                return "a ThreadPoolExecutor worker";
            }
        }
        return "a thread other than the main thread";
    }

    /** Names a loop running on another thread, the one the work probably belongs to; or "". */
    private static String elsewhere() {
        IOLoop origin = EXECUTOR_OF.get();
        if (origin != null) {
            return "";
        }
        for (IOLoop loop : RUNNING) {
            if (!loop.inLoopThread()) {
                return ", while the IOLoop of thread '" + loop.ownerName() + "' is running";
            }
        }
        return " (and no IOLoop runs on another thread)";
    }

    private static boolean isRuntime(StackFrame f) {
        Class<?> c = f.getDeclaringClass();
        return RUNTIME_PACKAGES.contains(c.getPackageName()) && c.getProtectionDomain() == RUNTIME;
    }

    private static String opName(StackFrame f) {
        Class<?> c = f.getDeclaringClass();
        while (c.getEnclosingClass() != null) {
            c = c.getEnclosingClass();
        }
        return "<init>".equals(f.getMethodName()) && c == f.getDeclaringClass() ? "new " + c.getSimpleName() + "()"
                : c.getSimpleName() + "." + f.getMethodName() + "()";
    }
}
