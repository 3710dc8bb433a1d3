package io.squall;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.squall.internal.Log;

/**
 * Structured concurrency for coroutines: Kotlin's {@code coroutineScope}/{@code supervisorScope}, asyncio's
 * {@code TaskGroup}, Trio's nursery. A scope is opened with {@link #run} or {@link #supervisor}; its body
 * {@link #spawn}s children, and the scope's Future completes only when the body's future and every child
 * are done, so no child outlives its scope.
 *
 * <pre>
 *   Future&lt;List&lt;String&gt;&gt; pages = Scope.run(scope -&gt; {
 *       List&lt;Future&lt;String&gt;&gt; fs = new ArrayList&lt;&gt;();
 *       for (String url : urls) {
 *           fs.add(scope.spawn(() -&gt; fetchBody(url)));   // children run concurrently
 *       }
 *       return Gen.multi(fs);                             // the first failure cancels the rest
 *   });
 * </pre>
 *
 * <p>Decisions, for {@link #run}:
 * <ul>
 *   <li>The first failure, of the body or of a child, cancels the body and every other child (a cancelled
 *       coroutine unwinds: see {@link Future#cancel()}); once all are done the scope fails with that very
 *       exception. Later failures, and exceptions that cancelled children threw while unwinding (their
 *       {@link CancellationException}s with suppressed exceptions), are added to it as suppressed.</li>
 *   <li>A child that ends cancelled without being cancelled by the scope (someone cancelled its Future) is
 *       not a failure: the others go on.</li>
 *   <li>The body's future ending cancelled cancels the children, and the scope ends cancelled.</li>
 *   <li>Cancelling the scope's Future cancels the body and every child; it returns true if the scope was
 *       not done, and the Future is done, cancelled, once all of them have unwound (anything they threw
 *       meanwhile is suppressed on its {@code CancellationException}).</li>
 *   <li>Otherwise the scope completes with the body's outcome once the children are done.</li>
 * </ul>
 * For {@link #supervisor}, a child's failure cancels nothing and stays with that child's Future (logged as
 * "never retrieved" if nobody looks at it); the body's failure or cancellation, or cancelling the scope,
 * still cancels every child, and the scope then completes with the body's outcome once they are done.
 *
 * <p>Threads: a scope is meant to be used on one loop, but it is thread-safe: children may complete on any
 * thread, and {@link #spawn} may be called from any thread while the scope is open.
 */
public final class Scope {

    private final boolean supervisor;
    private final Outcome<?> outcome;
    /** Children not yet done. Guarded by this. */
    private final Set<Future<?>> children = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The body's future once the body returned it; null before. Guarded by this. */
    private Future<?> body;
    /** Body plus children not yet done; the scope completes when it reaches zero. Guarded by this. */
    private int pending = 1;
    /** The first failure (run only), or null. Guarded by this. */
    private Throwable failure;
    /** Exceptions that cancelled members threw while unwinding, kept for the scope's cancellation. */
    private List<Throwable> unwindFailures;
    /** True once the scope cancels its members. Guarded by this. */
    private boolean cancelling;
    /** True once the scope's Future was cancelled from outside. Guarded by this. */
    private boolean cancelledFromOutside;
    /** True once the scope has completed: spawn is refused. Guarded by this. */
    private boolean finished;

    private Scope(boolean supervisor) {
        this.supervisor = supervisor;
        this.outcome = new Outcome<>(this);
    }

    /**
     * Opens a scope whose first failure cancels everything in it (see the class comment): calls
     * {@code body} at once with the new scope and returns a Future that completes with the outcome of the
     * future {@code body} returns, once that future and every child are done. A {@code body} that throws,
     * or returns null, counts as one returning a failed future, or a future of null.
     *
     * @param body opens the work; usually a coroutine lambda that spawns children and awaits them
     * @param <T> the type of the value
     * @return the scope's Future
     * @throws NullPointerException if {@code body} is null
     */
    public static <T> Future<T> run(Function<Scope, ? extends Future<T>> body) {
        return open(false, body);
    }

    /**
     * Opens a scope in which a child's failure cancels nothing else (see the class comment): it is delivered
     * through that child's Future only. The scope's Future completes with the outcome of the body's future
     * once that future and every child are done.
     *
     * @param body opens the work; usually a coroutine lambda that spawns children
     * @param <T> the type of the value
     * @return the scope's Future
     * @throws NullPointerException if {@code body} is null
     */
    public static <T> Future<T> supervisor(Function<Scope, ? extends Future<T>> body) {
        return open(true, body);
    }

    private static <T> Future<T> open(boolean supervisor, Function<Scope, ? extends Future<T>> body) {
        Objects.requireNonNull(body, "body");
        Scope scope = new Scope(supervisor);
        Future<T> f;
        try {
            f = body.apply(scope);
        } catch (Throwable t) {
            f = Future.failed(t);
        }
        if (f == null) {
            f = Future.of(null);
        }
        boolean cancelNow;
        synchronized (scope) {
            scope.body = f;
            cancelNow = scope.cancelling;
        }
        if (cancelNow) {
            f.cancel();
        }
        f.addQuietCallback(scope::bodyDone);
        @SuppressWarnings("unchecked")
        Future<T> result = (Future<T>) scope.outcome;
        return result;
    }

    /**
     * Starts a child in this scope: calls {@code fn} at once, on the calling thread (a coroutine runs up to
     * its first suspension), and returns the child's Future, which the scope watches. A {@code fn} that
     * throws gives a failed child (which, in {@link #run}, fails the scope). If the scope is already
     * cancelling, the child is cancelled at once.
     *
     * @param fn starts the child and returns its future; usually a coroutine call
     * @param <T> the type of the child's value
     * @return the child's Future
     * @throws IllegalStateException if the scope has finished (its Future is done)
     * @throws NullPointerException if {@code fn} is null
     */
    public <T> Future<T> spawn(Supplier<? extends Future<T>> fn) {
        Objects.requireNonNull(fn, "fn");
        synchronized (this) {
            if (finished) {
                throw new IllegalStateException("Scope.spawn: the scope has finished (" + outcome + "); a child"
                        + " must be spawned while its scope's body or another child is still running");
            }
            pending++;
        }
        Future<T> child;
        try {
            child = fn.get();
        } catch (Throwable t) {
            child = Future.failed(t);
        }
        if (child == null) {
            child = Future.of(null);
        }
        boolean cancelNow;
        synchronized (this) {
            cancelNow = cancelling;
            if (!child.isDone()) {
                children.add(child);
            }
        }
        if (cancelNow) {
            child.cancel();
        }
        Future<T> c = child;
        Consumer<Future<T>> watcher = done -> childDone(c);
        if (supervisor) {
            child.addQuietCallback(watcher);
        } else {
            child.addDoneCallback(watcher);
        }
        return child;
    }

    private void bodyDone(Future<?> f) {
        Throwable t = f.exception();
        List<Future<?>> toCancel = null;
        synchronized (this) {
            if (t instanceof CancellationException) {
                noteUnwindFailure(t);
                toCancel = startCancelling();
            } else if (t != null) {
                if (failure == null) {
                    failure = t;
                } else if (failure != t) {
                    failure.addSuppressed(t);
                }
                toCancel = startCancelling();
            }
        }
        cancelAll(toCancel);
        memberDone();
    }

    private void childDone(Future<?> child) {
        Throwable t = child.exception();
        List<Future<?>> toCancel = null;
        synchronized (this) {
            children.remove(child);
            if (t instanceof CancellationException) {
                noteUnwindFailure(t);
            } else if (t != null && !supervisor) {
                if (failure == null) {
                    failure = t;
                    toCancel = startCancelling();
                } else if (failure != t) {
                    failure.addSuppressed(t);
                }
            }
        }
        cancelAll(toCancel);
        memberDone();
    }

    /** A member's cancellation that carries what it threw while unwinding is kept, never lost. */
    private void noteUnwindFailure(Throwable cancellation) {
        if (cancellation.getSuppressed().length == 0) {
            return;
        }
        if (failure != null) {
            failure.addSuppressed(cancellation);
        } else {
            if (unwindFailures == null) {
                unwindFailures = new ArrayList<>();
            }
            unwindFailures.add(cancellation);
        }
    }

    /** Under the lock: marks the scope cancelling and returns what to cancel (outside the lock), once. */
    private List<Future<?>> startCancelling() {
        if (cancelling) {
            return null;
        }
        cancelling = true;
        List<Future<?>> all = new ArrayList<>(children.size() + 1);
        if (body != null) {
            all.add(body);
        }
        all.addAll(children);
        return all;
    }

    private static void cancelAll(List<Future<?>> fs) {
        if (fs != null) {
            for (Future<?> f : fs) {
                f.cancel();
            }
        }
    }

    private void memberDone() {
        Throwable fail;
        boolean cancelled;
        List<Throwable> unwound;
        synchronized (this) {
            if (--pending > 0) {
                return;
            }
            finished = true;
            fail = failure;
            cancelled = cancelledFromOutside || (body != null && body.isCancelled());
            unwound = unwindFailures;
        }
        Outcome<?> out = outcome;
        if (fail != null) {
            if (unwound != null) {
                for (Throwable t : unwound) {
                    fail.addSuppressed(t);
                }
            }
            out.trySetException(fail);
        } else if (cancelled) {
            CancellationException e = new io.squall.internal.CancellationException("Scope was cancelled; the body and every child"
                    + " have unwound");
            if (unwound != null) {
                for (Throwable t : unwound) {
                    e.addSuppressed(t);
                }
            }
            out.cancelled(e);
        } else {
            out.copy(body);
        }
    }

    private boolean cancelFromOutside() {
        List<Future<?>> toCancel;
        synchronized (this) {
            if (finished) {
                return false;
            }
            cancelledFromOutside = true;
            toCancel = startCancelling();
        }
        cancelAll(toCancel);
        return true;
    }

    /** Describes the scope: its kind, how many members are still running, and whether it is cancelling. */
    @Override
    public synchronized String toString() {
        return (supervisor ? "Scope.supervisor" : "Scope.run") + "(" + pending + " running"
                + (cancelling ? ", cancelling" : "") + (finished ? ", finished" : "") + ")";
    }

    /** The scope's Future: cancelling it cancels the scope, which completes once everything unwound. */
    private static final class Outcome<T> extends Future<T> {
        private final Scope scope;

        Outcome(Scope scope) {
            this.scope = scope;
        }

        /**
         * Cancels the body and every child; this Future is done, cancelled, once all have unwound.
         *
         * @return true if the scope had not finished
         */
        @Override
        public boolean cancel() {
            return !isDone() && scope.cancelFromOutside();
        }

        void cancelled(CancellationException e) {
            completeCancelled(e);
        }

        @SuppressWarnings("unchecked")
        void copy(Future<?> done) {
            Throwable t = done.exception();
            if (t instanceof CancellationException) {
                completeCancelled((CancellationException) t);
            } else if (t != null) {
                trySetException(t);
            } else {
                trySetResult((T) done.result());
            }
        }

        @Override
        public String toString() {
            return super.toString().replace("Outcome", "Future") + " of " + Log.describe(scope);
        }
    }
}
