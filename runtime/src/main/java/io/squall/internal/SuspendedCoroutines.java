package io.squall.internal;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.squall.IOLoop;

/**
 * The coroutines of one {@link IOLoop}: a table of every coroutine that suspended on it and has not finished,
 * in which each continuation knows its own index. A coroutine enters at its first suspension and leaves when it
 * finishes, so a suspension or a resumption costs nothing here (a suspension only writes its time stamp, an
 * int in the continuation), no lock is taken and nothing is allocated but the table's occasional doubling. The
 * dump lists the entries that are suspended now (awaiting a future). Also holds the slot through which a
 * finishing coroutine hands its waiter to the loop's trampoline.
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
    /**
     * The suspended coroutines, in {@code [0, end)} with holes (null); a continuation's {@code suspendedSlot}
     * is its index + 1. A finished coroutine leaves a hole rather than having the last one moved into its
     * place: storing a reference into this long-lived array costs a fence in G1's write barrier, storing
     * null does not.
     */
    private Continuation[] table = new Continuation[16];
    /** One past the last used index of {@link #table}. */
    private int end;
    /** How many coroutines are linked. */
    private int size;
    /** Indexes of holes below {@link #end}, to reuse (an entry may be stale: checked when taken). */
    private int[] free = new int[16];
    private int freeCount;
    /**
     * The loop's time ({@link IOLoop#time()} scale) at its last I/O poll, written by the loop when it polls:
     * what a suspension records as its start, so that it reads no clock.
     */
    public long now;

    /**
     * Creates the list of one loop and registers it for JVM-wide dumps (weakly: a dropped loop is forgotten).
     *
     * @param loop the loop
     */
    public SuspendedCoroutines(IOLoop loop) {
        this.loop = loop;
        this.now = System.nanoTime();
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

    /** Adds {@code c}, at its first suspension. Loop thread. */
    void link(Continuation c) {
        if (c.suspendedSlot != 0) {
            return;
        }
        Continuation[] t = table;
        int i = -1;
        while (freeCount > 0) {
            int h = free[--freeCount];
            if (h < end && t[h] == null) {
                i = h;
                break;
            }
        }
        if (i < 0) {
            if (end == t.length) {
                t = table = java.util.Arrays.copyOf(t, end * 2);
            }
            i = end++;
        }
        t[i] = c;
        size++;
        c.suspendedSlot = i + 1;
    }

    /** Removes {@code c}, which finished, if it is here, leaving a hole. Loop thread. */
    void unlink(Continuation c) {
        Continuation[] t = table;
        int i = c.suspendedSlot - 1;
        if (i >= end || t[i] != c) {
            return; // listed on another loop (it moved: its first loop was closed)
        }
        t[i] = null;
        size--;
        c.suspendedSlot = 0;
        if (i == end - 1) {
            int e = i;
            while (e > 0 && t[e - 1] == null) {
                e--;
            }
            end = e;
        } else {
            if (freeCount == free.length) {
                free = java.util.Arrays.copyOf(free, freeCount * 2);
            }
            free[freeCount++] = i;
        }
    }

    /** A loop time as a suspension stamp: units of 2^20 ns (about a millisecond), wrapping after 26 days. */
    static int stamp(long nanos) {
        return (int) (nanos >> 20);
    }

    /**
     * Returns how long {@code c} has been suspended on this loop, to about a millisecond.
     *
     * @param c a continuation suspended here
     * @return the time since it suspended (as of this loop's last I/O poll), never negative
     */
    public java.time.Duration waited(Continuation c) {
        long units = stamp(loop.time()) - c.suspendedStamp;
        return java.time.Duration.ofNanos(Math.max(0, units) << 20);
    }

    /**
     * Returns the coroutines suspended on this loop now (awaiting a future, or following the future their body
     * returned), longest waiting first. Consistent on the loop's thread; from another thread a best effort
     * (entries may be missing or stale while the loop changes the table).
     *
     * @return the continuations
     */
    public List<Continuation> snapshot() {
        Continuation[] t = table;
        int n = Math.min(Math.min(end, t.length), MAX_SNAPSHOT);
        List<Continuation> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Continuation c = t[i];
            if (c != null && c.awaiting() != null && !c.isDone() && c.loop() == loop) {
                out.add(c);
            }
        }
        int now = stamp(loop.time());
        out.sort(java.util.Comparator.comparingInt(c -> c.suspendedStamp - now)); // int difference: wrap-safe
        return out;
    }

    /**
     * Returns how many unfinished coroutines first suspended on this loop (suspended now, or running, or about
     * to resume; racy from another thread).
     *
     * @return the count
     */
    public int size() {
        return size;
    }
}
