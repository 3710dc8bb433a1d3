package io.squall;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.squall.internal.AwaitSites;
import io.squall.internal.Continuation;
import io.squall.internal.SuspendedCoroutines;

/**
 * A snapshot of suspended coroutines: for each, its method and the {@code await} it is suspended at (file
 * and line, as the agent recorded them when it rewrote the class), what it awaits (the future's
 * {@link Future#describe()}: a timer with its deadline, a stream read with its address, a lock, a queue,
 * another coroutine...), how long it has waited, and the chain of coroutines awaiting it, grouped by loop.
 *
 * <p>Take one with {@link IOLoop#dumpCoroutines()} (one loop) or {@link #all()} (every open loop of the JVM);
 * the same text is available from the platform MXBean {@code io.squall:type=Coroutines} (operation
 * {@code dump}, in jconsole or any JMX client) while any loop exists. Each loop is read on its own thread
 * (the dump posts a task and waits up to a second), so its part is consistent; a loop that does not answer in
 * time (blocked, or not running) is read from the calling thread as a best effort, and its header says so.
 *
 * <p>Keeping it available costs no lock and no allocation per suspension: each loop threads its suspended
 * coroutines in a table that a coroutine enters at its first suspension and leaves when it finishes (two ints
 * in each coroutine: its index and the time stamp of its last suspension).
 *
 * <p>What a coroutine works for: an instance coroutine whose receiver implements {@link Labelled} (every
 * {@code io.squall.http.RequestHandler}) is shown with that label, e.g. {@code [request GET /report
 * (127.0.0.1:51234)]}, and so is every coroutine it awaits, down the chain. The label is read only when a dump is
 * taken: nothing is recorded at suspension.
 */
public final class CoroutineDump {

    /** How long a dump waits for a running loop to describe its coroutines on its own thread. */
    private static final long LOOP_ANSWER_MILLIS = 1000;
    /** Longest chain of awaiting coroutines shown for one coroutine. */
    private static final int MAX_CHAIN = 64;

    /**
     * Implemented by objects whose instance coroutines a dump should label with what they work for (a request
     * handler: its request). The dump calls {@link #dumpLabel()} on the receiver's loop thread when it can
     * (from the dumping thread when that loop does not answer), so it must be cheap, must not block, and should
     * tolerate a racy read.
     */
    public interface Labelled {
        /**
         * Describes what this object's coroutines work for, e.g. {@code request GET /report (127.0.0.1:51234)}.
         *
         * @return a one-line label, or null for none
         */
        String dumpLabel();
    }

    /** One suspended coroutine. */
    public static final class Entry {
        private final String loop;
        private final Future<?> coroutine;
        private final StackTraceElement site;
        private final Future<?> awaitedFuture;
        private final String awaiting;
        private final Duration waited;
        private List<StackTraceElement> awaitedBy = Collections.emptyList();
        /** What it works for ({@link Labelled}), its own or inherited from a coroutine awaiting it; or null. */
        private String label;

        Entry(String loop, Future<?> coroutine, StackTraceElement site, Future<?> awaitedFuture, String awaiting,
                Duration waited, String label) {
            this.label = label;
            this.loop = loop;
            this.coroutine = coroutine;
            this.site = site;
            this.awaitedFuture = awaitedFuture;
            this.awaiting = awaiting;
            this.waited = waited;
        }

        /** @return the loop it is suspended on, as {@link IOLoop#toString()} describes it */
        public String loop() {
            return loop;
        }

        /** @return the coroutine's own Future (the one its caller holds) */
        public Future<?> coroutine() {
            return coroutine;
        }

        /**
         * Returns the coroutine's frame at the {@code await} it is suspended at: class, method, file and line
         * (no line for a class compiled without line numbers; null if the class was rewritten without a site
         * table).
         *
         * @return the site, or null
         */
        public StackTraceElement site() {
            return site;
        }

        /** @return the future it awaits, described ({@link Future#describe()}) when the dump was taken */
        public String awaiting() {
            return awaiting;
        }

        /** @return the future it awaits (it may have completed since) */
        public Future<?> awaitedFuture() {
            return awaitedFuture;
        }

        /** @return how long it had been suspended when the dump was taken (to its loop's last I/O poll) */
        public Duration waited() {
            return waited;
        }

        /** @return the sites of the coroutines awaiting this one, nearest first, each suspended at its await */
        public List<StackTraceElement> awaitedBy() {
            return awaitedBy;
        }

        /**
         * Returns what this coroutine works for: the {@link Labelled#dumpLabel()} of its receiver, or else of the
         * nearest coroutine awaiting it (a handler's helper coroutines carry the handler's request).
         *
         * @return e.g. {@code request GET /report (127.0.0.1:51234)}, or null if no coroutine of its chain has one
         */
        public String label() {
            return label;
        }

        /**
         * @return e.g. {@code com.example.Api.load(Api.java:42) waiting 1.203 s for Future(pending): ...
         *     [request GET /report (127.0.0.1:51234)]}
         */
        @Override
        public String toString() {
            return (site == null ? "unknown coroutine" : site.toString()) + " waiting " + format(waited) + " for "
                    + awaiting + (label == null ? "" : " [" + label + "]");
        }
    }

    private final Instant taken;
    private final Map<String, List<Entry>> byLoop;
    private final List<String> notes;

    private CoroutineDump(Instant taken, Map<String, List<Entry>> byLoop, List<String> notes) {
        this.taken = taken;
        this.byLoop = byLoop;
        this.notes = notes;
    }

    /**
     * Dumps the coroutines suspended on every open loop of this JVM. Any thread.
     *
     * @return the dump
     */
    public static CoroutineDump all() {
        return of(SuspendedCoroutines.all());
    }

    /**
     * Dumps the coroutines suspended on one loop. Any thread; see {@link IOLoop#dumpCoroutines()}.
     *
     * @param loop the loop
     * @return the dump
     */
    public static CoroutineDump of(IOLoop loop) {
        return of(List.of(loop.suspendedCoroutines()));
    }

    private static CoroutineDump of(List<SuspendedCoroutines> lists) {
        Instant taken = Instant.now();
        Map<String, List<Entry>> byLoop = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Map<Future<?>, Entry> byAwaited = new IdentityHashMap<>();
        Map<Future<?>, Entry> byCoroutine = new IdentityHashMap<>();
        for (SuspendedCoroutines list : lists) {
            IOLoop loop = list.loop();
            List<Entry> entries = read(list, notes);
            byLoop.put(loop.toString() + "@" + Integer.toHexString(System.identityHashCode(loop)), entries);
            for (Entry e : entries) {
                byCoroutine.put(e.coroutine, e);
                if (e.awaitedFuture != null) {
                    byAwaited.putIfAbsent(e.awaitedFuture, e);
                }
            }
        }
        Map<Entry, String> inherited = new IdentityHashMap<>();
        for (Entry e : byCoroutine.values()) {
            List<StackTraceElement> chain = new ArrayList<>();
            String label = e.label;
            Entry waiter = byAwaited.get(e.coroutine);
            while (waiter != null && chain.size() < MAX_CHAIN && waiter != e) {
                chain.add(waiter.site);
                if (label == null) {
                    label = waiter.label;
                }
                waiter = byAwaited.get(waiter.coroutine);
            }
            e.awaitedBy = Collections.unmodifiableList(chain);
            if (e.label == null && label != null) {
                inherited.put(e, label);
            }
        }
        inherited.forEach((e, label) -> e.label = label);
        return new CoroutineDump(taken, byLoop, notes);
    }

    /** Reads one loop's list on its thread if it answers in time, else from here. */
    private static List<Entry> read(SuspendedCoroutines list, List<String> notes) {
        IOLoop loop = list.loop();
        if (loop.inLoopThread()) {
            return describe(list);
        }
        if (loop.isRunning()) {
            CompletableFuture<List<Entry>> answer = new CompletableFuture<>();
            try {
                loop.addCallback(() -> answer.complete(describe(list)));
                return answer.get(LOOP_ANSWER_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // closed meanwhile, or busy: read it from here
            }
            notes.add(loop + " did not answer within " + LOOP_ANSWER_MILLIS + " ms (blocked?): read from "
                    + Thread.currentThread().getName() + ", may be inconsistent");
        }
        return describe(list);
    }

    private static List<Entry> describe(SuspendedCoroutines list) {
        IOLoop loop = list.loop();
        String name = loop.toString();
        List<Entry> out = new ArrayList<>();
        for (Continuation c : list.snapshot()) {
            Future<?> awaited = c.awaiting();
            String what;
            try {
                what = awaited == null ? "nothing (resuming)" : awaited.describe();
            } catch (RuntimeException e) {
                what = "a future whose describe() threw " + e;
            }
            out.add(new Entry(name, c, AwaitSites.siteOf(c), awaited, what, list.waited(c), labelOf(c.self())));
        }
        return out;
    }

    /** The receiver's label, if it has one; a label that throws is shown as such, never fails the dump. */
    private static String labelOf(Object self) {
        if (!(self instanceof Labelled)) {
            return null;
        }
        try {
            return ((Labelled) self).dumpLabel();
        } catch (RuntimeException e) {
            return self.getClass().getName() + ".dumpLabel() threw " + e;
        }
    }

    /**
     * Returns the suspended coroutines, grouped by loop.
     *
     * @return loop description to its coroutines (oldest suspension first)
     */
    public Map<String, List<Entry>> byLoop() {
        return Collections.unmodifiableMap(byLoop);
    }

    /**
     * Returns every suspended coroutine in the dump.
     *
     * @return the entries, loop by loop
     */
    public List<Entry> coroutines() {
        List<Entry> all = new ArrayList<>();
        byLoop.values().forEach(all::addAll);
        return all;
    }

    /**
     * Formats the dump as text: a header, then per loop its coroutines, each with what it awaits, how long,
     * and the coroutines awaiting it.
     *
     * @return the text
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int total = 0;
        for (List<Entry> l : byLoop.values()) {
            total += l.size();
        }
        sb.append("Squall coroutine dump ").append(taken).append(": ").append(total).append(" suspended coroutine")
                .append(total == 1 ? "" : "s").append(" on ").append(byLoop.size()).append(" loop")
                .append(byLoop.size() == 1 ? "" : "s").append('\n');
        for (String note : notes) {
            sb.append("  note: ").append(note).append('\n');
        }
        for (Map.Entry<String, List<Entry>> loop : byLoop.entrySet()) {
            sb.append('\n').append(loop.getKey()).append(": ").append(loop.getValue().size()).append(" suspended\n");
            for (Entry e : loop.getValue()) {
                sb.append("  ").append(e).append('\n');
                for (StackTraceElement by : e.awaitedBy) {
                    sb.append("      awaited by ").append(by == null ? "unknown coroutine" : by.toString()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format("%d.%03d s", ms / 1000, ms % 1000);
    }
}
