package io.squall.internal;

import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * The saved state of one suspended coroutine invocation, and the Future its caller holds.
 *
 * <p>Code rewritten by the Squall agent creates one continuation per invocation, at its first suspension
 * that really waits, and reuses it for every later suspension of that invocation. The continuation is at once:
 * <ul>
 *   <li>the coroutine's result {@link Future}, returned to the caller at the first suspension;</li>
 *   <li>the spill area: live locals and operand-stack values of the suspended frame, references in
 *       {@code refs}, primitives (widened to {@code long} bits) in {@code prims};</li>
 *   <li>the done callback registered on the awaited future, which schedules the resumption with
 *       {@link IOLoop#dispatch} on the loop that was current where the coroutine suspended;</li>
 *   <li>the {@link Runnable} that loop runs: it re-enters the rewritten method through {@code resume},
 *       which restores the frame and continues right where {@code await} stood.</li>
 * </ul>
 *
 * <pre>
 *   state      entered by                   leaves by
 *   running    first call / run()           suspend(): waiting; complete(): done
 *   waiting    suspend()                    awaited future done: accept() dispatches run()
 *   done       complete() / a thrown body   (final)
 * </pre>
 *
 * <p>Only generated code calls the mutators; they are public because the rewritten classes live in the
 * user's packages. DO NOT CHANGE their names or descriptors: the agent bakes them into rewritten classes.
 */
public final class Continuation extends Future<Object> implements Runnable, Consumer<Future<?>> {

    private static final Object[] NO_REFS = new Object[0];
    /** State while the finished body's returned future is being followed. */
    private static final int FOLLOWING = -1;
    private static final long[] NO_PRIMS = new long[0];

    /** Static bridge {@code (Continuation)Object} in the coroutine's class that re-enters its body. */
    private final MethodHandle resume;
    /** The receiver of an instance coroutine, null for a static one. */
    private final Object self;
    /** Spilled references; unused entries are null so nothing dead stays reachable. */
    private Object[] refs;
    /** Spilled primitives as long bits. */
    private long[] prims;
    /** The await site to resume at. */
    private int state;
    /** The future being awaited while waiting; null otherwise. */
    private Future<?> awaiting;
    /** The loop current where the coroutine last suspended. */
    private IOLoop loop;

    private Continuation(MethodHandle resume, Object self, int refCount, int primCount) {
        this.resume = resume;
        this.self = self;
        this.refs = refCount == 0 ? NO_REFS : new Object[refCount];
        this.prims = primCount == 0 ? NO_PRIMS : new long[primCount];
    }

    /**
     * Returns {@code current}, or a new continuation if it is null (the invocation's first suspension).
     *
     * @param current the invocation's continuation so far, or null
     * @param resume the static bridge {@code (Continuation)Object} that re-enters the body
     * @param self the receiver, or null for a static coroutine
     * @param refCount how many reference slots the method's widest await site spills
     * @param primCount how many primitive slots the method's widest await site spills
     * @return the continuation to spill into
     */
    public static Continuation of(Continuation current, MethodHandle resume, Object self, int refCount,
            int primCount) {
        return current != null ? current : new Continuation(resume, self, refCount, primCount);
    }

    /**
     * Returns the receiver of an instance coroutine.
     *
     * @return the receiver, or null for a static coroutine
     */
    public Object self() {
        return self;
    }

    /**
     * Returns the await site to resume at.
     *
     * @return the state number recorded by {@link #suspend}
     */
    public int state() {
        return state;
    }

    /** @param value a live reference @param index its slot */
    public void putRef(Object value, int index) {
        refs[index] = value;
    }

    /** @param value a live int (or boolean, byte, char, short) @param index its slot */
    public void putInt(int value, int index) {
        prims[index] = value;
    }

    /** @param value a live long @param index its slot */
    public void putLong(long value, int index) {
        prims[index] = value;
    }

    /** @param value a live float @param index its slot */
    public void putFloat(float value, int index) {
        prims[index] = Float.floatToRawIntBits(value);
    }

    /** @param value a live double @param index its slot */
    public void putDouble(double value, int index) {
        prims[index] = Double.doubleToRawLongBits(value);
    }

    /** @param index a slot @return the reference saved there */
    public Object getRef(int index) {
        return refs[index];
    }

    /** @param index a slot @return the int saved there */
    public int getInt(int index) {
        return (int) prims[index];
    }

    /** @param index a slot @return the long saved there */
    public long getLong(int index) {
        return prims[index];
    }

    /** @param index a slot @return the float saved there */
    public float getFloat(int index) {
        return Float.intBitsToFloat((int) prims[index]);
    }

    /** @param index a slot @return the double saved there */
    public double getDouble(int index) {
        return Double.longBitsToDouble(prims[index]);
    }

    /**
     * Records the await site, clears reference slots the site does not use, remembers the current loop and
     * registers this continuation as {@code awaited}'s done callback. Called after everything was spilled.
     *
     * @param site the await site's state number
     * @param awaited the pending future
     * @param usedRefs how many reference slots this site filled
     * @return this, the coroutine's Future, for the rewritten method to return
     */
    public Object suspend(int site, Future<?> awaited, int usedRefs) {
        Object[] r = refs;
        if (usedRefs < r.length) {
            Arrays.fill(r, usedRefs, r.length, null);
        }
        state = site;
        awaiting = awaited;
        loop = IOLoop.current();
        if (AwaitSites.enabled) {
            AwaitSites.record(this);
        }
        awaited.addDoneCallback(this);
        return this;
    }

    /**
     * Returns the awaited future (done by now) and forgets it.
     *
     * @return the future the coroutine waited for
     */
    public Future<?> takeAwaiting() {
        Future<?> f = awaiting;
        awaiting = null;
        return f;
    }

    /**
     * The awaited future is done: schedules the resumption on the loop the coroutine suspended on.
     *
     * @param done the awaited future
     */
    @Override
    public void accept(Future<?> done) {
        try {
            loop.dispatch(this);
        } catch (RuntimeException e) {
            awaiting = null;
            IllegalStateException failure = new IllegalStateException("Coroutine " + this + " could not resume: its"
                    + " IOLoop " + loop + " refused the continuation (" + e.getMessage() + "). Keep the loop"
                    + " running until its coroutines finish.", e);
            if (!trySetException(failure)) {
                Log.error(failure.getMessage(), failure);
            }
        }
    }

    /** Resumes the coroutine on its loop: re-enters the body, which restores the frame. */
    @Override
    public void run() {
        if (state == FOLLOWING) {
            copy(takeAwaiting());
            return;
        }
        try {
            Object ignored = (Object) resume.invokeExact(this);
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * Completes this continuation as the body's returned value says: null is a null result, a Future or
     * CompletionStage is followed.
     *
     * @param returned what the body returned
     */
    void follow(Object returned) {
        refs = NO_REFS;
        prims = NO_PRIMS;
        awaiting = null;
        if (returned == null) {
            trySetResult(null);
        } else if (returned instanceof Future) {
            Future<?> f = (Future<?>) returned;
            if (f.isDone()) {
                copy(f);
            } else {
                followLater(f);
            }
        } else if (returned instanceof CompletionStage) {
            followLater(Future.from((CompletionStage<?>) returned));
        } else {
            fail(new IllegalStateException("Coroutine returned " + returned.getClass().getName()
                    + ", which is not a Future or CompletionStage"));
        }
    }

    /**
     * Fails this continuation with an exception its body threw.
     *
     * @param t the exception
     */
    void fail(Throwable t) {
        refs = NO_REFS;
        prims = NO_PRIMS;
        awaiting = null;
        if (!trySetException(t) && !(isCancelled() && t instanceof java.util.concurrent.CancellationException)) {
            Log.error("Coroutine " + this + " threw after its future was already completed (cancelled by"
                    + " its caller?)", t);
        }
    }

    /**
     * Follows a pending returned future through the loop (this continuation is its callback and then the
     * runnable), so a chain of coroutines that each return the next one's pending future completes with a
     * flat stack.
     */
    private void followLater(Future<?> f) {
        state = FOLLOWING;
        awaiting = f;
        f.addDoneCallback(this);
    }

    private void copy(Future<?> f) {
        if (f.isCancelled()) {
            cancel();
            return;
        }
        Throwable t = f.exception();
        if (t != null) {
            trySetException(t);
        } else {
            trySetResult(f.result());
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Diagnostics (read-only; for tools such as squall-testing)

    /**
     * Returns the future this coroutine is waiting for: the awaited one while suspended at an
     * {@code await}, or the future its body returned while that one is followed. Safe to call from any
     * thread for diagnostics; the answer may be stale by the time it is used.
     *
     * @return the awaited future, or null if the coroutine is running or done
     */
    public Future<?> awaiting() {
        return awaiting;
    }

    /** Describes the state as a Future does, naming the coroutine. */
    @Override
    public String toString() {
        String s = super.toString();
        int paren = s.indexOf('(');
        return "Future" + (paren >= 0 ? s.substring(paren) : "") + " of a coroutine";
    }
}
