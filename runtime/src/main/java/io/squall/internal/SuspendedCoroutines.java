package io.squall.internal;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.squall.IOLoop;

/**
 * The coroutines suspended on one {@link IOLoop}: an intrusive doubly-linked list threaded through the
 * continuations themselves (so a suspension allocates nothing and takes no lock), oldest first, plus the
 * slot through which a finishing coroutine hands its waiter to the loop's trampoline.
 *
 * <p>Loop-confined: only the loop's thread links and unlinks. {@link #snapshot} reads the list on the loop
 * thread for a consistent answer, or from another thread as a best effort (see {@link io.squall.CoroutineDump}).
 *
 * <p>Runtime-internal: {@code IOLoop} owns one; user code should not use it.
 */
public final class SuspendedCoroutines {

    /** Longest list a snapshot reads (a racy read of a list being changed can never loop forever). */
    private static final int MAX_SNAPSHOT = 10_000_000;

    private static final List<WeakReference<SuspendedCoroutines>> ALL = new ArrayList<>();

    private final IOLoop loop;
    /** Circular list head: {@code sentinel.next} is the oldest suspended coroutine, {@code sentinel.prev} the newest. */
    final Continuation sentinel = new Continuation();
    /** How many coroutines are linked. */
    int size;
    /**
     * The loop's time ({@link IOLoop#time()} scale) at its last I/O poll, written by the loop when it polls:
     * what a suspension records as its start, so that it reads no clock.
     */
    public long now;
    /** The continuation whose step the loop is running now (only it may hand off a waiter). */
    Continuation stepping;
    /** A waiter handed off by the coroutine that just finished, for the running step's trampoline. */
    Continuation handOff;

    /**
     * Creates the list of one loop and registers it for JVM-wide dumps (weakly: a dropped loop is forgotten).
     *
     * @param loop the loop
     */
    public SuspendedCoroutines(IOLoop loop) {
        this.loop = loop;
        this.now = System.nanoTime();
        sentinel.prevSuspended = sentinel;
        sentinel.nextSuspended = sentinel;
        synchronized (ALL) {
            ALL.removeIf(r -> r.get() == null);
            ALL.add(new WeakReference<>(this));
        }
        ManagementRegistration.ensureRegistered();
    }

    /** @return the loop these coroutines are suspended on */
    public IOLoop loop() {
        return loop;
    }

    /**
     * Returns the lists of every live loop of this JVM (closed ones excluded).
     *
     * @return the lists, in the order their loops were created
     */
    public static List<SuspendedCoroutines> all() {
        List<SuspendedCoroutines> out = new ArrayList<>();
        synchronized (ALL) {
            for (Iterator<WeakReference<SuspendedCoroutines>> it = ALL.iterator(); it.hasNext(); ) {
                SuspendedCoroutines s = it.next().get();
                if (s == null) {
                    it.remove();
                } else if (!s.loop.isClosed()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Links {@code c} as the newest suspended coroutine. Loop thread. */
    void link(Continuation c) {
        Continuation last = sentinel.prevSuspended;
        c.prevSuspended = last;
        c.nextSuspended = sentinel;
        last.nextSuspended = c;
        sentinel.prevSuspended = c;
        c.suspendedSince = now;
        size++;
    }

    /** Unlinks {@code c}, which is linked here. Loop thread. */
    void unlink(Continuation c) {
        Continuation p = c.prevSuspended;
        Continuation n = c.nextSuspended;
        p.nextSuspended = n;
        n.prevSuspended = p;
        c.prevSuspended = null;
        c.nextSuspended = null;
        size--;
    }

    /**
     * Returns the suspended coroutines, oldest first. Consistent on the loop's thread; from another thread a
     * best effort (entries may be missing or stale while the loop changes the list).
     *
     * @return the continuations
     */
    public List<Continuation> snapshot() {
        List<Continuation> out = new ArrayList<>(Math.max(0, Math.min(size, MAX_SNAPSHOT)));
        Continuation c = sentinel.nextSuspended;
        while (c != null && c != sentinel && out.size() < MAX_SNAPSHOT) {
            out.add(c);
            c = c.nextSuspended;
        }
        return out;
    }

    /**
     * Returns how many coroutines are suspended on this loop now (racy from another thread).
     *
     * @return the count
     */
    public int size() {
        return size;
    }
}
