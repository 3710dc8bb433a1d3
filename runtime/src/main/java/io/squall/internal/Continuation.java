package io.squall.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
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
 * <p><b>Cancellation</b> is a state of the continuation, checked where it suspends and where it finishes;
 * awaitables know nothing of it beyond giving their resource back when their own future is cancelled.
 * {@link #cancel()} records the request (atomically, from any thread) and then, on the coroutine's loop
 * (posted there from another thread), cancels the future the coroutine awaits; that future's completion
 * resumes the coroutine as any completion does, and the {@code await} throws its
 * {@link CancellationException}, so the body's {@code catch} and {@code finally} blocks run on the loop. The
 * request is level-triggered: every later suspension of the cancelled body on a pending future cancels that
 * future at once and throws when it is done (a timer or socket future at once; a coroutine's future once
 * that coroutine has unwound, so a chain unwinds innermost first), except a {@link Shield}, which is waited
 * for normally. Awaits of done futures still return their values. When the body finishes, however it
 * finishes, the coroutine's Future is cancelled: with the {@code CancellationException} the body threw, or
 * with a new one carrying what the body threw or returned instead as a suppressed exception (a returned
 * value is dropped). The request and the body's normal completion are decided by one compare-and-set, so
 * {@code cancel()} returning true always means the Future ends cancelled. (The request is a pending state
 * of the Future itself, {@code Future.requestCancel}: while it is pending, completing the Future from outside
 * fails.)
 *
 * <p>Nothing of this costs on the fast path: an await of a done future does not reach this class; a
 * suspension reads one volatile field; only a coroutine's completion pays a compare-and-set, and that is
 * the only atomic instruction a nested await pays.
 *
 * <p><b>Nested awaits</b> (Kotlin resumes a caller straight from its callee's completion; so does this, keeping
 * Tornado's ordering): a coroutine suspending on the Future of a coroutine of its own loop is parked in that
 * Future ({@code Future.parkWaiter}) rather than added to its callbacks, with plain writes, since only the
 * loop's thread touches a parked waiter. When the awaited body finishes with a value, {@link #step} returns
 * the waiter and {@link #run} resumes it at once, in a loop (a trampoline: flat stack, no trip through the
 * loop's queue); a failure, a cancellation, a completion from outside or callbacks added after the waiter
 * send it through the queue as any completion does. A reference stored into a long-lived object (the loop's
 * coroutine table) costs a fence in G1's write barrier, so the hot path stores none: a parked coroutine is not
 * even listed in the table (the dump finds it through the coroutine it awaits, see {@link SuspendedCoroutines});
 * a coroutine is listed at its first suspension on anything else.
 *
 * <p>Only generated code calls the mutators; they are public because the rewritten classes live in the
 * user's packages. DO NOT CHANGE their names or descriptors: the agent bakes them into rewritten classes.
 */
public final class Continuation extends Future<Object> implements Runnable, Consumer<Future<?>> {

    private static final Object[] NO_REFS = new Object[0];
    /** State while the finished body's returned future is being followed. */
    private static final int FOLLOWING = -1;
    private static final long[] NO_PRIMS = new long[0];
    /**
     * What {@link #refs} holds once the body finished in its own step ({@link #finish} called from
     * {@link #step}): tells the completion's hook that {@code step} delivers the parked waiter.
     */
    private static final Object[] DONE_REFS = new Object[0];

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
    /**
     * The loop current where the coroutine last suspended; null before its first suspension. Written only on
     * the coroutine's thread: plainly at the first suspension (before the continuation is published), with a
     * release store when it moves to another loop (rare: its first loop was closed). The cancellation request
     * is a state of the Future itself ({@link Future#requestCancel}), decided with the body's completion by
     * one compare-and-set.
     */
    private IOLoop loop;
    /**
     * The await sites of the coroutine's method, recorded when the agent rewrote it ({@link AwaitSites}
     * reads it with {@link #state}); null from code woven before sites were recorded.
     */
    private final String sites;
    /**
     * Its index + 1 in the {@link SuspendedCoroutines} table of the loop it was first listed on, from then until
     * it finishes (so a suspension writes only {@link #suspendedStamp}); 0 when not there (also while it has
     * only ever been parked on other coroutines of its loop: see {@link #list}).
     */
    int suspendedSlot;
    /** Its loop's time when it last suspended ({@link SuspendedCoroutines#stamp} of {@link SuspendedCoroutines#now}). */
    int suspendedStamp;

    private static final VarHandle LOOP;

    static {
        try {
            LOOP = MethodHandles.lookup().findVarHandle(Continuation.class, "loop", IOLoop.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Continuation(MethodHandle resume, Object self, int refCount, int primCount, String sites) {
        this.resume = resume;
        this.self = self;
        this.refs = refCount == 0 ? NO_REFS : new Object[refCount];
        this.prims = primCount == 0 ? NO_PRIMS : new long[primCount];
        this.sites = sites;
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
        return current != null ? current : new Continuation(resume, self, refCount, primCount, null);
    }

    /**
     * As {@link #of(Continuation, MethodHandle, Object, int, int)}, with the coroutine's await sites as the
     * agent recorded them (a constant of the rewritten class; see {@link AwaitSites}).
     *
     * @param current the invocation's continuation so far, or null
     * @param resume the static bridge {@code (Continuation)Object} that re-enters the body
     * @param self the receiver, or null for a static coroutine
     * @param refCount how many reference slots the method's widest await site spills
     * @param primCount how many primitive slots the method's widest await site spills
     * @param sites the method's await-site table
     * @return the continuation to spill into
     */
    public static Continuation of(Continuation current, MethodHandle resume, Object self, int refCount,
            int primCount, String sites) {
        return current != null ? current : new Continuation(resume, self, refCount, primCount, sites);
    }

    /**
     * Returns the await-site table the agent recorded for this coroutine's method.
     *
     * @return the table, or null if the class was rewritten without one
     */
    String sites() {
        return sites;
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
        IOLoop current = currentLoop(awaited);
        if (loop != current) {
            moveTo(current);
        }
        suspendedStamp = SuspendedCoroutines.stamp(current.suspendedCoroutines().now);
        if (CoroutineEvents.ON) {
            CoroutineEvents.suspended(this, awaited);
        }
        if (!(awaited instanceof Continuation && ((Continuation) awaited).park(this, current))) {
            // Listed for the dump until it finishes. A parked coroutine is not: the dump finds it through the
            // coroutine it awaits (a store into the loop's long-lived table costs a barrier fence and the
            // table's bookkeeping, about a fifth of a nested await).
            list(current);
            awaited.addDoneCallback(this);
        }
        if (isCancelRequestPending() && !(awaited instanceof Shield)) {
            // Level-triggered: a cancelled body suspending on a pending future gives it up at once.
            awaited.cancel();
        }
        return this;
    }

    /**
     * The calling thread's current loop ({@link IOLoop#current()}), found without the thread-local lookup (a few
     * nanoseconds per suspension) when it is the loop this coroutine last suspended on or, at a first suspension,
     * the loop of the coroutine it awaits.
     */
    private IOLoop currentLoop(Future<?> awaited) {
        IOLoop l = loop;
        if (l == null && awaited instanceof Continuation) {
            l = ((Continuation) awaited).loop;
        }
        return l != null && l.isCurrentHere() ? l : IOLoop.current();
    }

    /**
     * The slow path of {@link #suspend}: the first suspension (not yet published, so a plain write), or a
     * coroutine that moved to another loop of its thread.
     */
    private void moveTo(IOLoop current) {
        if (loop == null) {
            loop = current;
            return;
        }
        LOOP.setRelease(this, current);
    }

    /**
     * Lists this coroutine in {@code current}'s table for the dump, unless it is listed already (it stays
     * listed until it finishes). On {@code current}'s thread.
     */
    private void list(IOLoop current) {
        if (suspendedSlot == 0) {
            current.suspendedCoroutines().link(this);
        }
    }

    /**
     * Resumes a parked waiter through its loop's queue (not at once): lists it first, so that the dump still
     * finds it while its resumption waits in the queue. On the loop's thread, where it was parked.
     */
    private static void resumeLater(Continuation waiter, Future<?> done) {
        IOLoop l = waiter.loop;
        if (l != null && l.inLoopThread() && !l.isClosed()) {
            waiter.list(l);
        }
        waiter.accept(done);
    }

    /**
     * The coroutine parked on this coroutine's Future, for {@link SuspendedCoroutines}' dump; any thread
     * (may be stale off the loop's thread).
     *
     * @return the parked waiter, or null
     */
    Continuation parkedHere() {
        return (Continuation) parkedWaiter();
    }

    /**
     * Requests cancellation of this coroutine (see the class comment): the future it awaits is cancelled on
     * its loop and the {@code await} throws {@link CancellationException}; a coroutine that is running is
     * cancelled at its next await of a pending future. Safe from any thread: off the loop thread the
     * request is posted to the loop. This Future is done only once the body has unwound, and is then
     * cancelled.
     *
     * @return true if the coroutine had not finished (also when cancellation was already requested and it
     *     is still unwinding), false if it had already completed
     */
    @Override
    public boolean cancel() {
        int requested = requestCancel();
        if (requested < 0) {
            return false;
        }
        if (requested > 0) {
            IOLoop l = (IOLoop) LOOP.getAcquire(this);
            if (l == null) {
                // Cannot happen: the continuation is published only after its first suspension set the loop.
                throw new IllegalStateException("Coroutine " + this + " cancelled before its first suspension");
            }
            new CancelRequest(this, l).post();
        }
        return true;
    }

    /**
     * Tells whether cancellation of this coroutine was requested (it may still be unwinding).
     *
     * @return true once {@link #cancel()} returned true
     */
    public boolean isCancelRequested() {
        return isCancelRequestPending() || isCancelled();
    }

    /** On the loop: cancels what the coroutine awaits now, unless it is a shield (or nothing: running). */
    private void cancelAwaited() {
        Future<?> f = awaiting;
        if (f != null && !(f instanceof Shield)) {
            f.cancel();
        }
    }


    /** The task that delivers a cancellation request on the coroutine's loop. */
    private static final class CancelRequest implements Runnable {
        final Continuation coroutine;
        final IOLoop loop;

        CancelRequest(Continuation coroutine, IOLoop loop) {
            this.coroutine = coroutine;
            this.loop = loop;
        }

        void post() {
            if (loop.inLoopThread() || loop.isClosed()) {
                // A closed loop will not run anything again: cancel from here (the resumption then fails
                // to dispatch, and the coroutine ends cancelled with that failure suppressed).
                coroutine.cancelAwaited();
                return;
            }
            try {
                loop.addCallback(this);
            } catch (IllegalStateException closed) {
                coroutine.cancelAwaited();
            }
        }

        @Override
        public void run() {
            coroutine.cancelAwaited();
        }

        @Override
        public String toString() {
            return "cancel " + coroutine;
        }
    }

    /**
     * Returns the awaited future (done by now) and forgets it.
     *
     * @return the future the coroutine waited for
     */
    public Future<?> takeAwaiting() {
        Future<?> f = awaiting;
        awaiting = null;
        if (AsyncTraces.ENABLED) {
            Throwable t = f.exception();
            if (t != null) {
                AsyncTraces.crossed(t, this, f);
            }
        }
        return f;
    }

    /**
     * The awaited future is done: schedules the resumption on the loop the coroutine suspended on.
     *
     * @param done the awaited future
     */
    @Override
    public void accept(Future<?> done) {
        IOLoop l = loop;
        try {
            l.dispatch(this);
        } catch (RuntimeException e) {
            IllegalStateException failure = new IllegalStateException("Coroutine " + this + " could not resume: its"
                    + " IOLoop " + l + " refused the continuation (" + e.getMessage() + "). Keep the loop"
                    + " running until its coroutines finish.", e);
            finish(null, failure, false);
        }
    }

    /**
     * Resumes the coroutine on its loop: re-enters the body, which restores the frame. When the body finishes
     * and its only waiter is a coroutine suspended on the same loop, that waiter is resumed next, here, in a
     * loop (a trampoline: the stack stays flat and the loop's queue is skipped), and so on up the chain.
     */
    @Override
    public void run() {
        Continuation c = this;
        do {
            c = c.step();
        } while (c != null);
    }

    /**
     * One resumption; returns the parked waiter to resume next if the body finished with a value and the
     * waiter belongs to the same loop, or null. Writes nothing but this continuation (and the waiter's
     * hand-off): a reference stored into a long-lived object costs a fence in the garbage collector's write
     * barrier.
     */
    private Continuation step() {
        IOLoop l = loop;
        if (CoroutineEvents.ON) {
            CoroutineEvents.resumed(this);
        }
        // resumeBody() catches everything: no try/finally on this hot path.
        resumeBody();
        if (refs != DONE_REFS) {
            return null;
        }
        if (suspendedSlot != 0 && l != null) {
            l.suspendedCoroutines().unlink(this);
        }
        Object w = takeParkedWaiter();
        if (w == null) {
            return null;
        }
        Continuation waiter = (Continuation) w;
        if (waiter.loop == l && !waiter.isCancelRequestPending()) {
            return waiter;
        }
        resumeLater(waiter, this);
        return null;
    }

    private void resumeBody() {
        if (state == FOLLOWING) {
            Future<?> f = awaiting;
            awaiting = null;
            copy(f);
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
            finish(null, null);
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
     * Completes this continuation with a value its resumed body returned as {@code Future.of(value)}, without
     * that future (see {@link CoroutineSupport#completeValue}): the same as {@code follow(Future.of(value))}.
     *
     * @param value the value
     */
    void finishWith(Object value) {
        finish(value, null);
    }

    /**
     * Fails this continuation with an exception its body threw.
     *
     * @param t the exception
     */
    void fail(Throwable t) {
        finish(null, t);
    }

    /**
     * Completes this coroutine's Future, on the loop, with the body's value or failure; or, if cancellation
     * was requested, as cancelled (see the class comment). The compare-and-set on {@link #loop} decides
     * between the two against a concurrent {@link #cancel()}.
     *
     * @param value the value, when {@code failure} is null
     * @param failure what the body threw (or the followed future failed with), or null
     */
    private void finish(Object value, Throwable failure) {
        finish(value, failure, true);
    }

    /** As {@link #finish(Object, Throwable)}; {@code inStep} when called from this coroutine's own {@link #step}. */
    private void finish(Object value, Throwable failure, boolean inStep) {
        refs = inStep ? DONE_REFS : NO_REFS;
        prims = NO_PRIMS;
        awaiting = null;
        if (!isCancelRequestPending()) {
            // One compare-and-set decides between this completion and a concurrent cancel() (see Future).
            if (failure == null ? trySetCoroutineResult(value) : trySetException(failure)) {
                return;
            }
            if (!isCancelRequestPending()) {
                alreadyCompleted(failure);
                return;
            }
        }
        CancellationException cancelled;
        if (failure instanceof CancellationException) {
            cancelled = (CancellationException) failure;
        } else {
            cancelled = new io.squall.internal.CancellationException(failure == null
                    ? "Coroutine was cancelled (its body finished after the cancellation; its result is dropped)"
                    : "Coroutine was cancelled (its body threw while unwinding: see the suppressed exception)");
            if (failure != null) {
                cancelled.addSuppressed(failure);
            }
        }
        if (!completeCancelled(cancelled)) {
            alreadyCompleted(failure);
        }
    }

    /**
     * Parks {@code waiter}, suspending on this coroutine's Future on {@code current}, as its only waiter if
     * this coroutine belongs to {@code current} too (so both run on its thread, which alone touches the
     * parked waiter): no atomic instruction, and the completion can resume the waiter directly.
     *
     * @return true if parked; false if the waiter must add a done callback
     */
    private boolean park(Continuation waiter, IOLoop current) {
        return loop == current && parkWaiter(waiter);
    }

    /**
     * Called by {@link Future} right after this coroutine's Future was completed, before its callbacks run, on
     * the completing thread: resumes the waiter parked by {@link #park}, if any. When the body finished with
     * a value in its own step and no callback was added after the waiter, {@link #step} resumes the waiter
     * right after this step, in {@link #run}'s loop (a trampoline: the stack stays flat and the loop's queue
     * is skipped). Otherwise the waiter is scheduled as any completion schedules it (a failure or
     * cancellation always goes through the loop's queue, where {@link IOLoop#close()} finds the coroutines it
     * unwinds); from another thread (someone completed the Future from outside) the parked waiter is read on
     * the loop's thread, in a posted callback. Not for generated code.
     *
     * @param direct whether the Future holds a value and has no callbacks
     */
    public void completed(boolean direct) {
        if (refs == DONE_REFS) {
            if (!direct) {
                resumeParked(); // finish() runs on the loop's thread
            }
            return;
        }
        IOLoop l = loop;
        if (l == null || l.inLoopThread()) {
            resumeParked();
            return;
        }
        try {
            l.addCallback(this::resumeParked);
        } catch (IllegalStateException closed) {
            resumeParked(); // nothing runs on a closed loop any more: the waiter fails to resume, and says so
        }
    }

    /** Schedules the parked waiter, if any, through its loop's queue. */
    private void resumeParked() {
        Object w = takeParkedWaiter();
        if (w != null) {
            resumeLater((Continuation) w, this);
        }
    }

    /** Someone completed this Future from outside (setResult on a coroutine's Future): keep the failure. */
    private void alreadyCompleted(Throwable failure) {
        if (failure != null && !(isCancelled() && failure instanceof CancellationException)) {
            Log.error("Coroutine " + this + " threw after its future was already completed", failure);
        }
    }

    /**
     * Follows a pending returned future through the loop (this continuation is its callback and then the
     * runnable), so a chain of coroutines that each return the next one's pending future completes with a
     * flat stack.
     */
    private void followLater(Future<?> f) {
        IOLoop l = loop;
        if (l != null && l.inLoopThread()) {
            list(l); // it waits: the dump should find it even if it only ever parked before
        }
        state = FOLLOWING;
        awaiting = f;
        f.addDoneCallback(this);
        if (isCancelRequestPending() && !(f instanceof Shield)) {
            f.cancel();
        }
    }

    private void copy(Future<?> f) {
        Throwable t = f.exception();
        if (t != null) {
            finish(null, t);
        } else {
            finish(f.result(), null);
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

    /**
     * Returns the await site this coroutine is suspended at (or last suspended at), from the table the agent
     * recorded when it rewrote the class.
     *
     * @return the coroutine's frame at that {@code await} (no line when the class has none), or null if the
     *     coroutine never suspended or its class carries no table
     */
    public StackTraceElement awaitSite() {
        return AwaitSites.siteOf(this);
    }

    /**
     * Returns how long this coroutine has been suspended, to about a millisecond (its loop stamps suspensions
     * with the time of its last I/O poll, so that a suspension reads no clock).
     *
     * @return the time since it suspended, or zero if it is not suspended
     */
    public java.time.Duration waited() {
        IOLoop l = loop;
        return awaiting == null || l == null ? java.time.Duration.ZERO : l.suspendedCoroutines().waited(this);
    }

    /**
     * Returns the loop this coroutine is suspended on (or last ran on).
     *
     * @return the loop, or null once finished
     */
    public IOLoop loop() {
        return isDone() ? null : loop;
    }

    /** Describes the state as a Future does, naming the coroutine. */
    @Override
    public String toString() {
        String s = super.toString();
        int paren = s.indexOf('(');
        return "Future" + (paren >= 0 ? s.substring(paren) : "") + " of a coroutine";
    }

    /** Describes the state and the coroutine's method, e.g. {@code Future(pending) of coroutine Api.load (Api.java:42)}. */
    @Override
    public String describe() {
        StackTraceElement site = AwaitSites.siteOf(this);
        return site == null ? toString() : toString() + " " + site.getClassName() + "." + site.getMethodName()
                + (isDone() ? "" : ", suspended at " + AwaitSites.where(site));
    }
}
