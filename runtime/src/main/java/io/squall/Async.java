package io.squall;

import java.util.concurrent.CompletionStage;

/**
 * {@code await}: the yield point of a coroutine.
 *
 * <p>Inside a coroutine (a {@code @Coroutine} method, or a lambda returning a future type that calls
 * {@code await}) the Squall agent replaces each call to {@code await} with a resumable suspension: if the
 * future is done the value is taken at once; otherwise the coroutine suspends and resumes on its
 * {@link IOLoop} when the future completes. {@code await} returns the future's value or throws the exception
 * it failed with, unwrapped (checked exceptions too); a cancelled future throws
 * {@link java.util.concurrent.CancellationException}; {@code await(null)} throws {@link NullPointerException}.
 * When the coroutine's own Future is cancelled ({@link Future#cancel()}), the {@code await} it is suspended
 * at throws {@code CancellationException} on its loop, and so does every later {@code await} of a future
 * that is not yet done (except a {@link Gen#shield}): cancellation is level-triggered.
 *
 * <p>These methods are only ever reached un-rewritten: in a method that is not a coroutine, or when the agent
 * is not installed. Then they throw {@link IllegalStateException} saying which and how to fix it. They never
 * block the thread.
 */
public final class Async {

    /** System property the agent sets once its transformer is installed. DO NOT CHANGE: the agent sets it. */
    public static final String AGENT_INSTALLED_PROPERTY = "io.squall.agent.installed";

    private Async() {
        throw new AssertionError("no instances");
    }

    /**
     * Waits for {@code f} inside a coroutine and returns its value.
     *
     * @param f the future to wait for
     * @param <T> the type of the value
     * @return the value of {@code f}
     * @throws IllegalStateException always, when reached un-rewritten (see the class comment)
     */
    public static <T> T await(Future<T> f) {
        throw notRewritten();
    }

    /**
     * Waits for {@code f} inside a coroutine and returns its value.
     *
     * @param f the stage to wait for
     * @param <T> the type of the value
     * @return the value of {@code f}
     * @throws IllegalStateException always, when reached un-rewritten (see the class comment)
     */
    public static <T> T await(CompletionStage<T> f) {
        throw notRewritten();
    }

    private static IllegalStateException notRewritten() {
        StackTraceElement caller = callerFrame();
        String where = caller == null ? "this method" : caller.getClassName() + "." + caller.getMethodName()
                + (caller.getFileName() != null && caller.getLineNumber() > 0
                        ? " (" + caller.getFileName() + ":" + caller.getLineNumber() + ")" : "");
        if (!Boolean.getBoolean(AGENT_INSTALLED_PROPERTY)) {
            return new IllegalStateException("await() called in " + where + " but the Squall agent is not"
                    + " installed, so no coroutine was rewritten. Start the JVM with"
                    + " -javaagent:squall-agent.jar, or call io.squall.agent.SquallAgent.install() before the"
                    + " coroutine's class is loaded.");
        }
        return new IllegalStateException("await() called in " + where + ", which is not a coroutine."
                + " Annotate the method with @io.squall.annotations.Coroutine and make it return"
                + " io.squall.Future, CompletionStage or CompletableFuture (a lambda qualifies when its"
                + " functional method returns one of these). If it is one, its class was loaded before the"
                + " agent was installed.");
    }

    private static StackTraceElement callerFrame() {
        StackTraceElement[] trace = new Throwable().getStackTrace();
        for (StackTraceElement e : trace) {
            if (!e.getClassName().equals(Async.class.getName())) {
                return e;
            }
        }
        return null;
    }
}
