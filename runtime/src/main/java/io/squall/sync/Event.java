package io.squall.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.squall.Future;

/**
 * A flag coroutines can wait for: Tornado's {@code tornado.locks.Event}. It starts clear; {@link #set()}
 * wakes every waiter and makes later waits done at once, until {@link #clear()}.
 *
 * <pre>
 *   Event ready = new Event();
 *   // one coroutine:  await(ready.waitFor());
 *   // another:        ready.set();
 * </pre>
 *
 * <p>Waiting on a set event allocates nothing (a shared done future). A waiter whose future is cancelled or
 * times out is removed at once.
 *
 * <p>Threads: every method must be called on the thread of the event's loop, the first thread that used it;
 * from any other thread it throws {@link IllegalStateException}. The returned futures are thread-safe.
 */
public final class Event extends LoopBound {
    private final WaitList<Waiter<Void>> waiters = new WaitList<>();
    private boolean set;

    /** Creates a clear event; it belongs to the first thread that uses it. */
    public Event() {}

    /** Creates an event already set or clear, without claiming it for the calling thread. */
    Event(boolean set) {
        this.set = set;
    }

    /**
     * Sets the flag and completes the future of every coroutine waiting now (in the order they started);
     * does nothing more if it was already set.
     *
     * @throws IllegalStateException if called off the event's loop thread
     */
    public void set() {
        checkThread("Event.set()");
        if (set) {
            return;
        }
        set = true;
        if (waiters.isEmpty()) {
            return;
        }
        // Complete exactly the waiters of this moment: a done callback may clear() and wait again.
        List<Waiter<Void>> now = new ArrayList<>(waiters.size());
        Waiter<Void> w;
        while ((w = waiters.poll()) != null) {
            now.add(w);
        }
        for (Waiter<Void> each : now) {
            each.trySetResult(null);
        }
    }

    /**
     * Clears the flag: later waits wait again for {@link #set()}.
     *
     * @throws IllegalStateException if called off the event's loop thread
     */
    public void clear() {
        checkThread("Event.clear()");
        set = false;
    }

    /**
     * Tells whether the flag is set.
     *
     * @return true if set
     * @throws IllegalStateException if called off the event's loop thread
     */
    public boolean isSet() {
        checkReader("Event.isSet()");
        return set;
    }

    /**
     * Waits for the flag: a done future if it is set, else one that completes at the next {@link #set()}.
     *
     * @return the future
     * @throws IllegalStateException if called off the event's loop thread
     */
    public Future<Void> waitFor() {
        return waitFor(null, "Event.waitFor()");
    }

    /**
     * As {@link #waitFor()}, but the future fails with {@link java.util.concurrent.TimeoutException} if the
     * event is not set within {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the future
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if called off the event's loop thread
     */
    public Future<Void> waitFor(Duration timeout) {
        return waitFor(Objects.requireNonNull(timeout, "timeout"), "Event.waitFor(timeout)");
    }

    /** {@link #waitFor(Duration)} that names the waiting operation in its timeout message. */
    Future<Void> waitFor(Duration timeout, String what) {
        checkThread(what);
        if (set) {
            return DONE;
        }
        return new Waiter<>(this, waiters, what, timeout);
    }

    /** Describes the state: {@code Event[set]} or {@code Event[clear,waiters:2]}. */
    @Override
    public String toString() {
        return "Event[" + (set ? "set" : "clear") + (waiters.isEmpty() ? "" : ",waiters:" + waiters.size()) + "]";
    }
}
