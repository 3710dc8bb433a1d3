package io.squall.sync;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.Timeout;

/**
 * One coroutine (or callback) waiting on a primitive: the Future handed to it, its place in the primitive's
 * {@link WaitList}, and its timer, in one object.
 *
 * <p>However the future gets done (served by the primitive, timed out, or cancelled by anyone, on any
 * thread), its quiet done callback ({@link #accept}) takes it out of the list and removes its timer, on the
 * owner's loop thread. A primitive serves a waiter with {@code trySetResult}, which fails for a waiter that
 * was cancelled meanwhile, and then serves the next one: a dead waiter is never handed anything.
 *
 * @param <T> the type of the value the waiter receives
 */
class Waiter<T> extends Future<T> implements Consumer<Future<T>>, Runnable {
    private final LoopBound owner;
    private final IOLoop loop;
    /** What is waiting, for the TimeoutException's message ("Lock.acquire"). */
    private final String what;
    private Duration timeout;
    private Timeout timer;

    /** The list this waiter is in, or null once out of it; owner thread only. */
    WaitList<?> list;
    Waiter<?> prev;
    Waiter<?> next;

    /**
     * Creates a waiter of {@code owner} on the owner thread, adds it to {@code list}, and starts its timer.
     *
     * @param timeout how long it may wait, or null for ever
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Waiter(LoopBound owner, WaitList<? extends Waiter<?>> list, String what, Duration timeout) {
        this.owner = owner;
        this.loop = owner.loop();
        this.what = what;
        ((WaitList) list).add(this);
        if (timeout != null) {
            this.timeout = timeout;
            this.timer = loop.callLater(timeout, this);
        }
        addQuietCallback(this);
    }

    /**
     * Describes the wait for the coroutine dump: the operation and the primitive, e.g.
     * {@code Waiter(pending): Lock.acquire() on Lock[locked,waiters:2]}.
     */
    @Override
    public String describe() {
        return super.toString() + ": " + what + " on " + owner + (timeout == null ? "" : " (timeout " + timeout + ")");
    }

    /** The timer fired (loop thread): leave the list and complete as timed out, unless done meanwhile. */
    @Override
    public final void run() {
        timer = null;
        detach();
        onTimeout();
    }

    /** Completes this waiter as timed out; by default it fails with a {@link TimeoutException}. */
    void onTimeout() {
        trySetException(new TimeoutException(what + " timed out after " + timeout));
    }

    /** Done, however: leave the list and drop the timer, on the owner's loop thread. */
    @Override
    public final void accept(Future<T> done) {
        if (owner.onOwnerThread()) {
            detach();
        } else {
            loop.addCallback(this::detach);
        }
    }

    private void detach() {
        WaitList<?> l = list;
        if (l != null) {
            l.unlink(this);
        }
        Timeout t = timer;
        if (t != null) {
            timer = null;
            loop.removeTimeout(t);
        }
    }

    @Override
    public String toString() {
        return what + " " + super.toString();
    }
}
