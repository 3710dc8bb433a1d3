package io.squall.internal;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.squall.IOLoop;

/**
 * The coroutines of one {@link IOLoop}: a table of every coroutine that suspended on it and has not finished,
 * in which each continuation knows its own index. A coroutine enters at its first suspension on a future that
 * is not a coroutine of the same loop (a timer, a socket read, another loop's coroutine, ...) and leaves when it
 * finishes, so a suspension or a resumption costs nothing here (a suspension only writes its time stamp, an
 * int in the continuation), no lock is taken and nothing is allocated but the table's occasional doubling.
 *
 * <p>A coroutine awaiting a coroutine of the same loop is parked in that coroutine's Future (see
 * {@code Continuation}) and not listed: {@link #snapshot} finds it through the coroutine it awaits, and so on up
 * a chain of nested awaits. Listing it would cost each nested await a reference store into this long-lived
 * table (a fence in G1's write barrier) and the table's bookkeeping at both ends: about a fifth of a nested
 * await's time (bench/RESULTS.md, session 5). A parked coroutine is listed when its resumption goes through the
 * loop's queue (a failure or a cancellation), or when it next waits on anything else. What this gives up: while
 * the coroutine a parked chain awaits is running (or about to resume at once), the coroutines awaiting it are
 * out of the dump; they are back as soon as it suspends again or finishes.
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
     * returned): the listed ones and the ones parked on them (see the class comment), longest waiting first. Consistent on the loop's thread; from another thread a best effort
     * (entries may be missing or stale while the loop changes the table).
     *
     * @return the continuations
     */
    public List<Continuation> snapshot() {
        Continuation[] t = table;
        int n = Math.min(Math.min(end, t.length), MAX_SNAPSHOT);
        List<Continuation> out = new ArrayList<>(n);
        for (int i = 0; i < n && out.size() < MAX_SNAPSHOT; i++) {
            Continuation c = t[i];
            if (c == null) {
                continue;
            }
            if (suspendedHere(c)) {
                out.add(c);
            }
            // The coroutines parked on c's Future, on theirs, and so on, until one that is listed itself.
            Continuation w = c.parkedHere();
            for (int hops = 0; w != null && w.suspendedSlot == 0 && hops < MAX_SNAPSHOT; hops++) {
                if (suspendedHere(w) && out.size() < MAX_SNAPSHOT) {
                    out.add(w);
                }
                w = w.parkedHere();
            }
        }
        int now = stamp(loop.time());
        out.sort(java.util.Comparator.comparingInt(c -> c.suspendedStamp - now)); // int difference: wrap-safe
        return out;
    }

    private boolean suspendedHere(Continuation c) {
        return c.awaiting() != null && !c.isDone() && c.loop() == loop;
    }

    /**
     * Returns how many unfinished coroutines suspended on this loop (suspended now, or running, or about to
     * resume): the listed ones and the ones parked on them (see the class comment); racy from another thread.
     *
     * @return the count
     */
    public int size() {
        Continuation[] t = table;
        int n = Math.min(end, t.length);
        int count = size;
        for (int i = 0; i < n; i++) {
            Continuation c = t[i];
            if (c == null) {
                continue;
            }
            Continuation w = c.parkedHere();
            for (int hops = 0; w != null && w.suspendedSlot == 0 && hops < MAX_SNAPSHOT; hops++) {
                count++;
                w = w.parkedHere();
            }
        }
        return count;
    }
}
