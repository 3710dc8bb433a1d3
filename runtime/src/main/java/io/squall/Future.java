package io.squall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import io.squall.internal.Log;

/**
 * The result of an asynchronous operation: Tornado's {@code Future}, thread-safe.
 *
 * <p>A future starts pending and is completed exactly once, by {@link #setResult}, {@link #setException}
 * or {@link #cancel}. Callbacks added with {@link #addDoneCallback} run exactly once, on the thread that
 * completes the future (or at once, on the caller's thread, if it is already done). To run a callback on
 * an {@link IOLoop} instead, use {@link IOLoop#addFuture}. A chain of futures completing one another from
 * their callbacks runs with a flat stack: past a small nesting depth, the inner completions' callbacks run
 * right after the outer callbacks return, on the same thread, so even a chain of a million cannot overflow
 * the stack.
 *
 * <p>A future that failed and whose exception nobody retrieved ({@link #result}, {@link #exception},
 * {@code await}, or a done callback) is logged as "Future exception was never retrieved" (also when the loop
 * it failed on closes, and at JVM exit; {@code -Dio.squall.debug.futureOrigins=true} adds where the future was
 * created) when it is
 * garbage-collected, with the exception's stack trace.
 *
 * <pre>
 *   state        completes with         result()                 exception()
 *   pending      -                      IllegalStateException    IllegalStateException
 *   success      setResult(v)           v                        null
 *   failed       setException(t)        throws t (unwrapped)     t
 *   cancelled    cancel()               CancellationException    the CancellationException
 * </pre>
 *
 * @param <T> the type of the value
 */
public class Future<T> {

    /** Stands for a {@code null} result, so that {@code outcome == null} means pending. */
    private static final Object NIL = new Object();

    /**
     * What a coroutine's pending Future holds once its cancellation was requested ({@link #requestCancel}):
     * still pending, and from then on completed only as cancelled. The request and the coroutine's own
     * completion are decided by one compare-and-set on {@link #outcome}.
     */
    private static final Object CANCEL_REQUESTED = new Object();

    private static final VarHandle OUTCOME;
    private static final VarHandle CALLBACKS;

    /** What {@link #callbacks} holds once the completing thread has taken the callbacks to run them. */
    private static final Object TAKEN = new Object();

    static {
        try {
            OUTCOME = MethodHandles.lookup().findVarHandle(Future.class, "outcome", Object.class);
            CALLBACKS = MethodHandles.lookup().findVarHandle(Future.class, "callbacks", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * null while pending ({@link #CANCEL_REQUESTED} while a coroutine's cancellation is pending);
     * {@link #NIL}, the value, or a {@link Failure} once done. Written once, by CAS.
     */
    private volatile Object outcome;

    /** How deep completions may nest on one thread before their callbacks are queued (see runCallbacks). */
    private static final int MAX_NESTED_COMPLETIONS = 32;

    private static final ThreadLocal<Trampoline> TRAMPOLINE = ThreadLocal.withInitial(Trampoline::new);

    /** Per thread: how deep completions are nested now, and the callbacks deferred to the outermost one. */
    private static final class Trampoline {
        int depth;
        final java.util.ArrayDeque<Runnable> deferred = new java.util.ArrayDeque<>();
    }

    /**
     * null, one callback, a {@link Node} stack of callbacks (newest first), or {@link #TAKEN} once the
     * completing thread took them. Changed only by CAS, so adding and completing need no lock: a callback is
     * either in what the completer takes (and run by it) or sees TAKEN and runs itself: exactly once.
     */
    private volatile Object callbacks;

    /**
     * What this future stands for ({@link #describeAs}), for diagnostics; with
     * {@code -Dio.squall.debug.futureOrigins=true} an {@link Origin} (where it was created) that also holds
     * the description. One field for both so that a Future is no bigger than before descriptions existed.
     * A coroutine's Future (which describes itself by its coroutine) keeps here instead the coroutine of the
     * same loop that awaits it ({@link #parkWaiter}).
     */
    private Object note = io.squall.internal.LostFailures.ORIGINS ? new Origin() : null;

    /** Creates a pending future. */
    public Future() {}

    /**
     * Returns a future that already holds {@code value}.
     *
     * @param value the value, may be null
     * @param <T> the type of the value
     * @return a done future
     */
    public static <T> Future<T> of(T value) {
        Future<T> f = new Future<>();
        f.outcome = value == null ? NIL : value;
        return f;
    }

    /**
     * Returns a future that already failed with {@code t}.
     *
     * @param t the failure, not null
     * @param <T> the type the future would have held
     * @return a failed future
     * @throws NullPointerException if {@code t} is null
     */
    public static <T> Future<T> failed(Throwable t) {
        Future<T> f = new Future<>();
        f.setException(t);
        return f;
    }

    /**
     * Returns a future that completes as {@code stage} does. A {@link CompletionException} or
     * {@link ExecutionException} wrapped around the real cause is unwrapped. Cancelling the returned future
     * cancels {@code stage} when it is a {@link CompletableFuture} (or its {@code toCompletableFuture()}).
     *
     * @param stage the stage to follow, not null
     * @param <T> the type of the value
     * @return a future following {@code stage}
     * @throws NullPointerException if {@code stage} is null
     */
    public static <T> Future<T> from(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        Future<T> f = new Future<>();
        f.describeAs(stage);
        stage.whenComplete((v, t) -> {
            if (t == null) {
                f.trySetResult(v);
            } else {
                Throwable cause = unwrap(t);
                if (cause instanceof CancellationException) {
                    f.cancel();
                } else {
                    f.trySetException(cause);
                }
            }
        });
        f.addQuietCallback(done -> {
            if (done.isCancelled()) {
                try {
                    stage.toCompletableFuture().cancel(false);
                } catch (UnsupportedOperationException ignored) {
                    // a stage that cannot be converted cannot be cancelled either
                }
            }
        });
        return f;
    }

    /**
     * Returns a new {@link CompletableFuture} that completes as this future does (unwrapped failures,
     * cancellation carried over). Cancelling the returned {@code CompletableFuture} cancels this future.
     *
     * @return a CompletableFuture following this future
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        addDoneCallback(f -> {
            Object o = outcome;
            if (o instanceof Failure) {
                Throwable t = ((Failure) o).retrieve();
                if (t instanceof CancellationException) {
                    cf.cancel(false);
                } else {
                    cf.completeExceptionally(t);
                }
            } else {
                cf.complete(valueOf(o));
            }
        });
        cf.whenComplete((v, t) -> {
            if (cf.isCancelled()) {
                cancel();
            }
        });
        return cf;
    }

    /**
     * Tells whether this future is done: it holds a value, a failure, or was cancelled.
     *
     * @return true once completed
     */
    public final boolean isDone() {
        Object o = outcome;
        return o != null && o != CANCEL_REQUESTED;
    }

    /**
     * Tells whether this future was cancelled.
     *
     * @return true if {@link #cancel} completed it
     */
    public final boolean isCancelled() {
        Object o = outcome;
        return o instanceof Failure && ((Failure) o).cause instanceof CancellationException;
    }

    /**
     * Cancels this future if it is pending: it completes with a {@link CancellationException} and its
     * callbacks run.
     *
     * <p>Some futures stand for work that must unwind first, and override this to make it a request: the
     * Future of a suspended coroutine (the {@code await} it is suspended at throws
     * {@code CancellationException} on its loop, its {@code catch}/{@code finally} blocks run, and the Future
     * is done, cancelled, once the body has unwound; level-triggered: see {@code io.squall.internal.Continuation}),
     * the Future of a {@link Scope} (cancels the body and every child, done when all unwound) and that of
     * {@link Gen#timeout}. Those return true if the work had not finished (also while it is already
     * unwinding), and are then sure to end cancelled. Cancelling the future of an awaitable gives its
     * resource back: {@link Gen#sleep} removes its timer, an {@code AsyncHTTPClient} fetch closes its
     * connection, an {@code IOStream} read is abandoned (the stream stays usable), {@link IOLoop#runInExecutor}
     * drops the result.
     *
     * @return true if the future was pending and is now cancelled, false if it was already done
     */
    public boolean cancel() {
        Failure f = new Failure(new io.squall.internal.CancellationException("Future was cancelled"), false, null);
        return complete(f);
    }

    /**
     * Completes this future as cancelled with {@code e}, unless it is already done: for subclasses whose
     * {@link #cancel()} is a request that takes effect later (a coroutine unwinding, a {@link Scope} waiting
     * for its children), so that they can finish with a cancellation that carries what was thrown while
     * unwinding as suppressed exceptions.
     *
     * @param e the cancellation to complete with, not null
     * @return true if this call completed the future
     */
    protected final boolean completeCancelled(CancellationException e) {
        Objects.requireNonNull(e, "exception");
        if (isDone()) {
            return false;
        }
        // A cancellation that carries an exception thrown while unwinding is watched like a failure: if
        // nobody ever looks at it, it is logged rather than lost.
        boolean watch = e.getSuppressed().length > 0;
        Failure failure = new Failure(e, watch, origin());
        if (watch) {
            failure.cleanable = Failure.CLEANER.register(this, failure);
        }
        if (!complete(failure) && !completeRequested(failure)) {
            failure.retrieve();
            return false;
        }
        return true;
    }

    /**
     * Completes this future with {@code value} and runs its callbacks.
     *
     * @param value the value, may be null
     * @throws IllegalStateException if the future is already done
     */
    public void setResult(T value) {
        if (!trySetResult(value)) {
            throw new IllegalStateException(notSettable());
        }
    }

    /** Why setResult/setException failed. */
    private String notSettable() {
        return outcome == CANCEL_REQUESTED
                ? "Future of a coroutine whose cancellation was requested: only the unwinding coroutine completes it ("
                        + this + ")"
                : "Future is already done: " + this;
    }

    /**
     * Completes this future with {@code value} unless it is already done (or, for a coroutine's Future, its
     * cancellation was requested: the coroutine then completes it as cancelled once it has unwound).
     *
     * @param value the value, may be null
     * @return true if this call completed the future
     */
    public boolean trySetResult(T value) {
        return complete(value == null ? NIL : value);
    }

    /**
     * Fails this future with {@code t} and runs its callbacks.
     *
     * @param t the failure, not null
     * @throws IllegalStateException if the future is already done
     * @throws NullPointerException if {@code t} is null
     */
    public void setException(Throwable t) {
        if (!trySetException(t)) {
            throw new IllegalStateException(notSettable() + "; cannot set exception " + t);
        }
    }

    /**
     * Fails this future with {@code t} unless it is already done (or, for a coroutine's Future, its
     * cancellation was requested).
     *
     * @param t the failure, not null
     * @return true if this call completed the future
     * @throws NullPointerException if {@code t} is null
     */
    public boolean trySetException(Throwable t) {
        Objects.requireNonNull(t, "exception");
        if (outcome != null) {
            return false; // done, or a coroutine whose cancellation was requested
        }
        Failure failure = new Failure(t, true, origin());
        failure.cleanable = Failure.CLEANER.register(this, failure);
        if (!complete(failure)) {
            failure.retrieve();
            return false;
        }
        return true;
    }

    /**
     * Returns the value, or rethrows the failure as it was set (checked exceptions too, unwrapped).
     *
     * @return the value
     * @throws IllegalStateException if the future is still pending
     * @throws CancellationException if the future was cancelled
     */
    public T result() {
        Object o = outcome;
        if (o == null || o == CANCEL_REQUESTED) {
            throw new IllegalStateException("Future is still pending: result() may only be called once it is done"
                    + " (await it, or use addDoneCallback)");
        }
        if (o instanceof Failure) {
            throw Failure.sneaky(((Failure) o).retrieve());
        }
        return valueOf(o);
    }

    /**
     * Returns the failure, null on success, or the {@link CancellationException} if cancelled.
     *
     * @return the failure or null
     * @throws IllegalStateException if the future is still pending
     */
    public Throwable exception() {
        Object o = outcome;
        if (o == null || o == CANCEL_REQUESTED) {
            throw new IllegalStateException("Future is still pending: exception() may only be called once it is done");
        }
        return o instanceof Failure ? ((Failure) o).retrieve() : null;
    }

    /**
     * Runs {@code cb} once when this future is done: at once on this thread if it already is, otherwise
     * on the thread that completes it. An exception thrown by {@code cb} is logged, never propagated.
     *
     * @param cb the callback, not null
     * @throws NullPointerException if {@code cb} is null
     */
    public void addDoneCallback(Consumer<? super Future<T>> cb) {
        Objects.requireNonNull(cb, "callback");
        addCallback(cb);
    }

    /**
     * Adds a callback that watches this future without taking delivery of its failure: unlike
     * {@link #addDoneCallback}, it does not count as retrieving the exception, so an unobserved failure is
     * still logged when the future is collected. For plumbing (cancellation propagation, timer cleanup, the
     * waiter lists of {@code io.squall.sync}). Runs like {@link #addDoneCallback}: on the completing thread,
     * or at once if the future is already done.
     *
     * @param cb the callback, not null
     * @throws NullPointerException if {@code cb} is null
     */
    public final void addQuietCallback(Consumer<? super Future<T>> cb) {
        addCallback(new Quiet(Objects.requireNonNull(cb, "callback")));
    }

    private void addCallback(Consumer<?> cb) {
        if (!isDone()) {
            Object cur = callbacks;
            while (cur != TAKEN) {
                Object next = cur == null ? cb : Node.push(cb, cur);
                if (CALLBACKS.compareAndSet(this, cur, next)) {
                    if (isDone()) {
                        // Completed meanwhile: the completer may have looked for callbacks before this one was
                        // pushed (it takes them only if it sees some). Whoever takes the stack runs it.
                        takeCallbacks();
                    }
                    return;
                }
                cur = callbacks;
            }
        }
        if (!(cb instanceof Quiet)) {
            markObserved();
        }
        runCallback(cb);
    }

    /**
     * Returns the value of a done future without rethrowing: for code that has already checked
     * {@link #exception()}. Internal fast path; returns null for a failed future.
     */
    @SuppressWarnings("unchecked")
    final T valueOrNull() {
        Object o = outcome;
        return o == null || o == NIL || o == CANCEL_REQUESTED || o instanceof Failure ? null : (T) o;
    }

    @SuppressWarnings("unchecked")
    private static <T> T valueOf(Object o) {
        return o == NIL ? null : (T) o;
    }

    /**
     * Internal, for the coroutine machinery ({@code io.squall.internal.Continuation}), which calls it on its
     * loop's thread only: parks {@code waiter} as the single coroutine waiting for this coroutine's future,
     * without an atomic instruction, if the future is pending and has no callbacks yet (so the waiter is
     * still the first to be told). The future's completion hands the parked waiter to
     * {@code Continuation.completed()}, on the loop's thread. A future described with {@link #describeAs},
     * or carrying its origin, has no room for a waiter: this then returns false.
     *
     * @param waiter the waiting coroutine's continuation
     * @return true if parked; false if the caller must add a done callback as usual
     */
    protected final boolean parkWaiter(Object waiter) {
        if (isDone() || callbacks != null || note != null) {
            return false;
        }
        note = waiter;
        return true;
    }

    /**
     * Internal, for {@code io.squall.internal.Continuation}: the waiter {@link #parkWaiter} parked, left in place
     * (for the coroutine dump, which finds parked coroutines through the coroutine they await). Any thread;
     * off the loop's thread the answer may be stale.
     *
     * @return the parked waiter, or null
     */
    protected final Object parkedWaiter() {
        Object n = note;
        return n instanceof io.squall.internal.Continuation ? n : null;
    }

    /**
     * Internal, for {@code io.squall.internal.Continuation}: takes the waiter {@link #parkWaiter} parked. Call
     * it on the thread that parked it.
     *
     * @return the parked waiter, or null
     */
    protected final Object takeParkedWaiter() {
        Object n = note;
        if (n instanceof io.squall.internal.Continuation) {
            note = null;
            if (outcome instanceof Failure) {
                ((Failure) outcome).retrieve(); // a waiting coroutine takes delivery, as a done callback does
            }
            return n;
        }
        return null;
    }

    /**
     * Internal, for {@code io.squall.internal.Continuation}, whose {@code cancel()} is a request: marks this
     * pending future as cancel-requested. It stays pending; {@link #trySetResult}, {@link #trySetException}
     * and {@link #cancel} fail from then on, and only {@link #completeCancelled} completes it.
     *
     * @return 1 if this call made the request, 0 if it was already made, -1 if the future is done
     */
    protected final int requestCancel() {
        for (;;) {
            Object o = outcome;
            if (o == CANCEL_REQUESTED) {
                return 0;
            }
            if (o != null) {
                return -1;
            }
            if (OUTCOME.compareAndSet(this, null, CANCEL_REQUESTED)) {
                return 1;
            }
        }
    }

    /**
     * Internal, for {@code io.squall.internal.Continuation}: tells whether {@link #requestCancel} marked this
     * future and it is still pending.
     *
     * @return true while a requested cancellation is pending
     */
    protected final boolean isCancelRequestPending() {
        return outcome == CANCEL_REQUESTED;
    }

    private boolean complete(Object result) {
        if (!OUTCOME.compareAndSet(this, null, result)) {
            return false;
        }
        return afterCompletion(result);
    }

    /**
     * Internal, for {@code io.squall.internal.Continuation}: completes this coroutine's Future with the value its
     * body returned, as {@link #trySetResult} does, on the coroutine's loop.
     *
     * <p>A path of its own, not {@link #complete}, on purpose: the JIT compiles the completion path (the
     * compare-and-set, the callbacks taken and run) into every hot caller, guided by what each of its
     * type checks has seen. Sharing it with coroutine completions, whose callbacks are of other kinds, made
     * the plain futures' completion, the one each suspended await pays, slower: {@code hop} through
     * {@code IOLoop.dispatch} went from 55 to 80 ns per step (bench/RESULTS.md, session 5). So this one has its
     * own copy of the few lines that take the callbacks, and {@link #complete} sees a coroutine's Future only
     * when it is cancelled or completed from outside.
     *
     * @param value the value, may be null
     * @return true if this call completed the future (false: done, or cancellation requested)
     */
    protected final boolean trySetCoroutineResult(Object value) {
        if (!OUTCOME.compareAndSet(this, null, value == null ? NIL : value)) {
            return false;
        }
        ((io.squall.internal.Continuation) this).completed(callbacks == null);
        // As afterCompletion: an adder that pushes after this read sees the outcome and runs its callback.
        if (callbacks == null) {
            return true;
        }
        Object c = CALLBACKS.getAndSet(this, TAKEN);
        if (c == null || c == TAKEN) {
            return true;
        }
        // A value, not a failure: nothing to mark observed.
        runCallbacks(c instanceof Node ? Node.inOrder((Node) c) : c);
        return true;
    }

    /** Completes a cancel-requested future (with its cancellation). */
    private boolean completeRequested(Object result) {
        if (!OUTCOME.compareAndSet(this, CANCEL_REQUESTED, result)) {
            return false;
        }
        return afterCompletion(result);
    }

    private boolean afterCompletion(Object result) {
        if (this instanceof io.squall.internal.Continuation) {
            ((io.squall.internal.Continuation) this).completed(!(result instanceof Failure) && callbacks == null);
        }
        // An adder that pushes its callback after this read sees the outcome and runs the callback itself
        // (see addCallback): the common case of no callbacks costs no atomic instruction.
        if (callbacks != null) {
            takeCallbacks();
        }
        return true;
    }

    /** Takes the callbacks of a completed future (once: whoever takes them first) and runs them in order. */
    private void takeCallbacks() {
        Object c = CALLBACKS.getAndSet(this, TAKEN);
        if (c == null || c == TAKEN) {
            return;
        }
        if (c instanceof Node) {
            c = Node.inOrder((Node) c);
            for (Node n = (Node) c; n != null; n = n.next) {
                if (!(n.callback instanceof Quiet)) {
                    markObserved();
                    break;
                }
            }
        } else if (!(c instanceof Quiet)) {
            markObserved();
        }
        runCallbacks(c);
    }

    /**
     * Runs the callbacks taken from a completed future. Completions nested deeper than
     * {@link #MAX_NESTED_COMPLETIONS} (a callback completing a future whose callback completes another, and
     * so on) are queued on the thread and run by the outermost completion once its own callbacks return:
     * still on the completing thread, but with a flat stack, so a long chain of futures cannot overflow it.
     */
    private void runCallbacks(Object c) {
        Trampoline t = TRAMPOLINE.get();
        if (t.depth >= MAX_NESTED_COMPLETIONS) {
            t.deferred.addLast(() -> runCallbacksNow(c));
            return;
        }
        t.depth++;
        try {
            runCallbacksNow(c);
            if (t.depth == 1) {
                Runnable r;
                while ((r = t.deferred.pollFirst()) != null) {
                    r.run();
                }
            }
        } finally {
            t.depth--;
        }
    }

    private void runCallbacksNow(Object c) {
        if (c instanceof Node) {
            for (Node n = (Node) c; n != null; n = n.next) {
                runCallback(n.callback);
            }
        } else {
            runCallback(c);
        }
    }

    private void markObserved() {
        Object o = outcome;
        if (o instanceof Failure) {
            ((Failure) o).retrieve();
        }
    }

    @SuppressWarnings("unchecked")
    private void runCallback(Object cb) {
        try {
            ((Consumer<Object>) cb).accept(this);
        } catch (Throwable t) {
            Log.error("Exception in callback " + Log.describe(cb) + " for " + this, t);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Says what this future stands for, for diagnostics: the coroutine dump ({@link CoroutineDump}) shows it as
     * what a coroutine suspended on this future awaits. The runtime describes its own futures this way (a
     * timer with its deadline, a stream read with its address, a lock, a queue, an executor task, another
     * coroutine); describe your own when they stand for something a reader should know. The description's
     * {@code toString()} is called only when a dump or {@link #describe()} asks, so pass an object that
     * describes itself lazily rather than building a string on a hot path. Costs one field write.
     *
     * <p>A coroutine's Future describes itself (its coroutine and await site): describing it does nothing.
     *
     * @param description what the future stands for (its {@code toString()} says it), or null for nothing
     * @return this future
     */
    public final Future<T> describeAs(Object description) {
        if (this instanceof io.squall.internal.Continuation) {
            return this; // a coroutine's future describes itself by its coroutine; its note holds its waiter
        }
        Object n = note;
        if (n instanceof Origin) {
            ((Origin) n).description = description;
        } else {
            note = description;
        }
        return this;
    }

    /**
     * Describes this future for diagnostics: its state ({@link #toString()}) and, if it was given one with
     * {@link #describeAs}, what it stands for, e.g. {@code Future(pending): Gen.sleep(100 ms) due in 40 ms}.
     * Safe from any thread; the answer may be stale at once.
     *
     * @return the description
     */
    public String describe() {
        Object n = note;
        Object d = n instanceof Origin ? ((Origin) n).description : n;
        if (d == null) {
            return toString();
        }
        String what;
        try {
            what = String.valueOf(d);
        } catch (RuntimeException e) {
            what = d.getClass().getName() + " (its toString() threw " + e + ")";
        }
        return toString() + ": " + what;
    }

    /** Where this future was created, or null unless {@code -Dio.squall.debug.futureOrigins=true}. */
    private Throwable origin() {
        Object n = note;
        return n instanceof Origin ? (Origin) n : null;
    }

    /** Where a future was created (only with {@code -Dio.squall.debug.futureOrigins=true}), and its description. */
    private static final class Origin extends Throwable {
        private static final long serialVersionUID = 1L;
        transient Object description;

        Origin() {
            super("Future created here");
        }
    }

    /** Describes the state: {@code Future(pending)}, {@code Future(result: v)}, {@code Future(failed: e)}. */
    @Override
    public String toString() {
        Object o = outcome;
        String name = getClass().getSimpleName().isEmpty() ? "Future" : getClass().getSimpleName();
        if (o == null || o == CANCEL_REQUESTED) {
            return name + "(pending)";
        }
        if (o instanceof Failure) {
            Throwable t = ((Failure) o).cause;
            return t instanceof CancellationException ? name + "(cancelled)" : name + "(failed: " + Log.describe(t) + ")";
        }
        return name + "(result: " + (o == NIL ? "null" : abbreviate(Log.describe(o))) + ")";
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** A callback that does not count as retrieving the failure (see {@link #addQuietCallback}). */
    private static final class Quiet implements Consumer<Object> {
        private final Consumer<Object> delegate;

        @SuppressWarnings("unchecked")
        Quiet(Consumer<?> delegate) {
            this.delegate = (Consumer<Object>) delegate;
        }

        @Override
        public void accept(Object future) {
            delegate.accept(future);
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }

    /**
     * A cell of the callback stack in {@link #callbacks}: immutable once published, a type of its own so a
     * user's callback is never mistaken for it.
     */
    private static final class Node {
        final Object callback;
        final Node next;

        Node(Object cb, Node next) {
            this.callback = cb;
            this.next = next;
        }

        /** Pushes {@code cb} on {@code rest}: a single callback, or a stack. */
        static Node push(Object cb, Object rest) {
            return new Node(cb, rest instanceof Node ? (Node) rest : new Node(rest, null));
        }

        /** The stack reversed into a new list, oldest first, so callbacks run in the order they were added. */
        static Node inOrder(Node newestFirst) {
            Node out = null;
            for (Node n = newestFirst; n != null; n = n.next) {
                out = new Node(n.callback, out);
            }
            return out;
        }
    }

    /**
     * A failure outcome. Until someone retrieves it, a Cleaner watches the future: if it is collected first,
     * the failure is logged.
     */
    private static final class Failure implements Runnable {
        private static final Cleaner CLEANER = Cleaner.create();

        final Throwable cause;
        private final Throwable origin;
        private volatile boolean retrieved;
        private Cleaner.Cleanable cleanable;

        Failure(Throwable cause, boolean watch, Throwable origin) {
            this.cause = cause;
            this.origin = origin;
            this.retrieved = !watch;
            if (watch) {
                io.squall.internal.LostFailures.watch(this);
            }
        }

        Throwable retrieve() {
            if (!retrieved) {
                retrieved = true;
                io.squall.internal.LostFailures.forget(this);
                Cleaner.Cleanable c = cleanable;
                if (c != null) {
                    c.clean();
                }
            }
            return cause;
        }

        /**
         * Runs when the future was collected, when its loop closes or at JVM exit (or on retrieval, via
         * clean(), when it does nothing): reports the failure once.
         */
        @Override
        public synchronized void run() {
            if (!retrieved) {
                retrieved = true;
                io.squall.internal.LostFailures.forget(this);
                io.squall.internal.LostFailures.log(cause, origin);
            }
        }

        @SuppressWarnings("unchecked")
        static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
            throw (E) t;
        }
    }
}
