package io.squall;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which thread may use which {@link IOLoop}, for the loop-bound helpers ({@link Gen#sleep}, {@link Gen#moment},
 * {@link Gen#withTimeout}, {@link Gen#timeout}, {@link PeriodicCallback#start()}): they schedule on the calling
 * thread's current loop, so on a worker thread they would land on a loop that nobody ever runs and never fire.
 *
 * <p>The rule ({@link #currentFor}): a thread that already has a current loop uses it (running, or being set
 * up before {@code start()}/{@code runSync()}); so does the main thread, whose loop is made on first use as
 * {@link IOLoop#current()} does. Any other thread without a loop of its own is refused when it is a
 * {@link IOLoop#runInExecutor} worker or while a loop runs on another thread: that is the worker-thread
 * mistake (asyncio refuses the same way: only the main thread gets a loop implicitly). A thread meant to run
 * its own loop calls {@link IOLoop#current()} first. Thread-safe.
 */
final class LoopOwnership {

    /** Loops inside {@link IOLoop#start()} now, for naming one in the refusal. */
    private static final Set<IOLoop> RUNNING = ConcurrentHashMap.newKeySet();
    /** On a {@link IOLoop#runInExecutor} worker while it runs a task: the loop that handed it out. */
    private static final ThreadLocal<IOLoop> EXECUTOR_OF = new ThreadLocal<>();

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
     * Returns the loop a loop-bound helper called on this thread schedules on (see the class comment).
     *
     * @param op the helper, for the message ("Gen.sleep()")
     * @return the calling thread's current loop
     * @throws IllegalStateException on a worker thread without a loop of its own
     */
    static IOLoop currentFor(String op) {
        IOLoop loop = IOLoop.existingCurrent();
        if (loop != null) {
            return loop;
        }
        Thread me = Thread.currentThread();
        IOLoop origin = EXECUTOR_OF.get();
        boolean executor = origin != null;
        if (origin == null && !isMainThread(me)) {
            origin = runningElsewhere(me);
        }
        if (origin == null) {
            return IOLoop.current();
        }
        throw refusal(op, me, origin, executor);
    }

    private static IllegalStateException refusal(String op, Thread me, IOLoop origin, boolean executor) {
        String owner = origin.ownerName();
        return new IllegalStateException(op + " was called on thread '" + me.getName() + "', "
                + (executor ? "a runInExecutor worker of the IOLoop of thread '" + owner + "'"
                        : "which has no IOLoop of its own, while the IOLoop of thread '" + owner + "' is running")
                + ": it would schedule on a loop that nobody runs, and never fire. Timers and other loop-bound calls"
                + " belong on the loop's own thread. From a worker thread, hand the work to the loop with"
                + " loop.addCallback(() -> ...) (safe from any thread; take loop = IOLoop.current() on the loop"
                + " thread), or finish the blocking part first (await(loop.runInExecutor(...)), then sleep on the"
                + " loop). If this thread is meant to run a loop of its own, create it first with IOLoop.current()"
                + " and start() it.");
    }

    /** Python's {@code threading.main_thread()}, approximately: the JVM's launcher thread is named "main". */
    private static boolean isMainThread(Thread t) {
        return "main".equals(t.getName());
    }

    private static IOLoop runningElsewhere(Thread me) {
        for (IOLoop loop : RUNNING) {
            if (!loop.inLoopThread()) {
                return loop;
            }
        }
        return null;
    }
}
