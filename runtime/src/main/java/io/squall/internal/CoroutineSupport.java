package io.squall.internal;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.squall.Future;

/**
 * Static helpers that code rewritten by the Squall agent calls at await sites, returns and entry points.
 *
 * <p>Not for application code. DO NOT CHANGE names or descriptors: the agent bakes them into rewritten
 * classes.
 */
public final class CoroutineSupport {

    private CoroutineSupport() {
        throw new AssertionError("no instances");
    }

    /**
     * Tells whether an await site can take the value at once: the future is done, or null (which then
     * throws from {@link #get}).
     *
     * @param f the awaited future
     * @return true if no suspension is needed
     */
    public static boolean ready(Future<?> f) {
        return f == null || f.isDone();
    }

    /**
     * Returns the value of a done future, or throws its failure unwrapped (a {@link CompletionException}
     * around a cause is unwrapped; a cancelled future throws {@link CancellationException}).
     *
     * @param f the awaited, done future
     * @return its value
     * @throws NullPointerException if {@code f} is null
     */
    public static Object get(Future<?> f) {
        if (f == null) {
            throw new NullPointerException("await(null): the future to await is null");
        }
        try {
            return f.result();
        } catch (Throwable t) {
            throw failed(t); // out of line: keeps this method as small as it was for the JIT
        }
    }

    /** The failure an await of a done future throws: unwrapped, with the awaiting site when it lacks it. */
    private static RuntimeException failed(Throwable t) {
        Throwable failure = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (AsyncTraces.ENABLED) {
            AsyncTraces.awaitedAtOnce(failure);
        }
        return sneaky(failure);
    }

    /**
     * Adapts an awaited {@link CompletionStage} to a {@link Future}; null stays null (await then throws
     * {@link NullPointerException}).
     *
     * @param stage the awaited stage
     * @return a future that completes as the stage does, unwrapped
     */
    public static Future<?> asFuture(CompletionStage<?> stage) {
        if (stage == null) {
            return null;
        }
        if (stage instanceof CompletableFuture && isDone((CompletableFuture<?>) stage)) {
            CompletableFuture<?> cf = (CompletableFuture<?>) stage;
            if (cf.isCancelled()) {
                return cancelled();
            }
            try {
                return Future.of(cf.join());
            } catch (CompletionException e) {
                return Future.failed(e.getCause() != null ? e.getCause() : e);
            } catch (CancellationException e) {
                return cancelled();
            }
        }
        return Future.from(stage);
    }

    /** A minimal stage ({@code minimalCompletionStage()}) is a CompletableFuture that refuses isDone(). */
    private static boolean isDone(CompletableFuture<?> cf) {
        try {
            return cf.isDone();
        } catch (UnsupportedOperationException minimalStage) {
            return false;
        }
    }

    private static Future<?> cancelled() {
        Future<Object> f = new Future<>();
        f.cancel();
        return f;
    }

    /** Classes known to be initialized; computing the value initializes the class. */
    private static final ClassValue<Boolean> INITIALIZED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                Class.forName(type.getName(), true, type.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new NoClassDefFoundError(type.getName());
            }
            return Boolean.TRUE;
        }
    };

    /**
     * Initializes a class, as the {@code NEW} instruction the rewrite moved would have at this point
     * ({@code new Foo(await(x))} allocates after the arguments, but Foo's static initializer must still run
     * before them).
     *
     * @param type the class about to be instantiated
     * @throws ExceptionInInitializerError if its static initializer throws
     */
    public static void initialize(Class<?> type) {
        INITIALIZED.get(type);
    }

    /**
     * Handles a {@code return} in a rewritten body: before any suspension the value goes back to the
     * entry method as is; after one, it completes the continuation (following a returned future).
     *
     * @param returned the body's return value
     * @param c the invocation's continuation, or null if it never suspended
     * @return what the body method returns
     */
    public static Object complete(Object returned, Continuation c) {
        if (c == null) {
            return returned;
        }
        c.follow(returned);
        return c;
    }

    /**
     * Handles {@code return Future.of(value)} in a rewritten body (the agent replaces that call and the
     * {@link #complete} after it): before any suspension, the same {@code Future.of(value)}; after one, the
     * continuation completes with {@code value} at once, without a future to allocate and then follow.
     *
     * @param value the value the body returns a future of
     * @param c the invocation's continuation, or null if it never suspended
     * @return what the body method returns
     */
    public static Object completeValue(Object value, Continuation c) {
        if (c == null) {
            return Future.of(value);
        }
        c.finishWith(value);
        return c;
    }

    /**
     * Turns what the body returned into the coroutine's result for a method declared to return
     * {@code io.squall.Future}.
     *
     * @param returned the body's return: the user's future, null, or the continuation
     * @return the coroutine's Future
     */
    public static Future<?> toFuture(Object returned) {
        if (returned == null) {
            return Future.of(null);
        }
        if (returned instanceof Future) {
            return (Future<?>) returned;
        }
        return Future.from((CompletionStage<?>) returned);
    }

    /**
     * As {@link #toFuture} for a method declared to return {@link CompletionStage}.
     *
     * @param returned the body's return
     * @return the coroutine's stage
     */
    public static CompletionStage<?> toStage(Object returned) {
        if (returned == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (returned instanceof Future) {
            return ((Future<?>) returned).toCompletableFuture();
        }
        return (CompletionStage<?>) returned;
    }

    /**
     * As {@link #toFuture} for a method declared to return {@link CompletableFuture}.
     *
     * @param returned the body's return
     * @return the coroutine's CompletableFuture
     */
    public static CompletableFuture<?> toCompletableFuture(Object returned) {
        if (returned == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (returned instanceof Future) {
            return ((Future<?>) returned).toCompletableFuture();
        }
        if (returned instanceof CompletableFuture) {
            return (CompletableFuture<?>) returned;
        }
        return ((CompletionStage<?>) returned).toCompletableFuture();
    }

    /**
     * The coroutine's body threw before suspending: its Future fails instead. A {@link NoLoopException} (the
     * coroutine was called on a worker thread without a loop of its own) is thrown to the caller instead:
     * nobody on such a thread would look at the future.
     *
     * @param t the exception
     * @return a failed Future
     * @throws NoLoopException if {@code t} is one
     */
    public static Future<?> failedFuture(Throwable t) {
        NoLoopException.rethrowIfNoLoop(t); // nobody would look at the future on such a thread
        return Future.failed(t);
    }

    /**
     * As {@link #failedFuture} for a coroutine declared to return {@link CompletionStage}.
     *
     * @param t the exception
     * @return a failed stage
     */
    public static CompletionStage<?> failedStage(Throwable t) {
        NoLoopException.rethrowIfNoLoop(t); // nobody would look at the future on such a thread
        return CompletableFuture.failedFuture(t);
    }

    /**
     * As {@link #failedFuture} for a coroutine declared to return {@link CompletableFuture}.
     *
     * @param t the exception
     * @return a failed CompletableFuture
     */
    public static CompletableFuture<?> failedCompletableFuture(Throwable t) {
        NoLoopException.rethrowIfNoLoop(t); // nobody would look at the future on such a thread
        return CompletableFuture.failedFuture(t);
    }

    /**
     * Builds the exception a refused coroutine fails with.
     *
     * @param message the agent's explanation: where, why, and the fix
     * @return the exception
     */
    public static IllegalStateException refused(String message) {
        return new IllegalStateException(message);
    }

    /**
     * Reports a continuation whose state matches no await site: a bug in the agent.
     *
     * @param c the continuation
     * @return the error to throw
     */
    public static Error badState(Continuation c) {
        return new InternalError("Squall agent bug: continuation " + Objects.toString(c) + " has state "
                + (c == null ? -1 : c.state()) + ", which matches no await site. Please report it.");
    }

    /** Throws {@code t} as is, checked or not (the declared return lets callers write {@code throw sneaky(t)}). */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
