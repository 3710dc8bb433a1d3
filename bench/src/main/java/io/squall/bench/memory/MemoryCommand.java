package io.squall.bench.memory;

import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.bench.UsageException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code memory [--count 100000] [--systems squall,cf,ea,vt,kotlin]}: heap bytes per suspended coroutine. For each
 * system, {@code count} coroutines are suspended at once, the heap is measured after GC, and the baseline
 * (the same number of pending gate futures, and the arrays) is subtracted. Measured twice: suspended on their
 * first await, and suspended after ten completed suspensions (a per-coroutine figure that grows there is a
 * chain kept alive, i.e. a leak in long loops). Every coroutine's final value is checked.
 */
public final class MemoryCommand implements Command {
    /** The rounds of the second measurement: ten completed suspensions, then suspended on the eleventh. */
    static final int ROUNDS_AFTER_TEN = 11;

    private static final Map<String, Supplier<SuspendedSystem>> SYSTEMS = new LinkedHashMap<>();

    static {
        SYSTEMS.put("squall", SquallSystem::new);
        SYSTEMS.put("cf", CfSystem::new);
        SYSTEMS.put("ea", EaSystem::new);
        SYSTEMS.put("vt", VtSystem::new);
        SYSTEMS.put("kotlin", KotlinSystem::new);
    }

    /** One system's two figures, in bytes per coroutine. */
    static final class Row {
        final String system;
        final double once;
        final double afterTen;

        Row(String system, double once, double afterTen) {
            this.system = system;
            this.once = once;
            this.afterTen = afterTen;
        }
    }

    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("memory", words, Set.of("count", "systems"), Set.of());
        a.expectPositional(0, 0, "");
        int count = a.intOption("count", 100_000, 1, 10_000_000);
        // Each system starts and advances all its coroutines in one loop task on purpose: not a slow step to report.
        io.squall.SlowStepDetector.disable();
        List<String> names = new ArrayList<>();
        for (String s : a.stringOption("systems", String.join(",", SYSTEMS.keySet())).split(",")) {
            String name = s.trim();
            if (!SYSTEMS.containsKey(name)) {
                throw new UsageException("memory: unknown system '" + name + "' (known: " + SYSTEMS.keySet() + ")");
            }
            names.add(name);
        }
        out.printf(Locale.ROOT, "# memory: heap bytes per suspended coroutine, %d suspended at once, after GC;"
                + " JDK %s, %s%n", count, Runtime.version(), ManagementFactory.getRuntimeMXBean().getVmName());
        if (!serialGc()) {
            out.println("# note: run with java -XX:+UseSerialGC for exact figures (other collectors' heap accounting"
                    + " after System.gc() drifts by about a byte per coroutine)");
        }
        out.printf(Locale.ROOT, "%-8s %16s %22s %10s%n", "system", "suspended-once", "after-10-suspensions", "growth");
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            SuspendedSystem system = SYSTEMS.get(name).get();
            String why = system.unavailableReason();
            if (why != null) {
                out.printf(Locale.ROOT, "%-8s skipped: %s%n", name, why);
                continue;
            }
            try {
                // Warm-up: the same work at the same count, unmeasured, so the JIT has compiled it
                // (interpreted frames are larger, which matters for virtual threads' stacks) and shared
                // structures (a loop's callback queues) have already grown to their steady size.
                measure(system, count, ROUNDS_AFTER_TEN);
                double once = measure(system, count, 1);
                double afterTen = measure(system, count, ROUNDS_AFTER_TEN);
                Row row = new Row(name, once, afterTen);
                rows.add(row);
                out.printf(Locale.ROOT, "%-8s %14.1f B %20.1f B %+8.1f B%n", name, once, afterTen, afterTen - once);
            } finally {
                system.close();
            }
        }
        Row squall = rows.stream().filter(r -> r.system.equals("squall")).findFirst().orElse(null);
        if (squall != null) {
            for (Row r : rows) {
                if (r != squall) {
                    out.printf(Locale.ROOT, "ratio %s/squall: %.2fx suspended once, %.2fx after 10 suspensions%n",
                            r.system, r.once / squall.once, r.afterTen / squall.afterTen);
                }
            }
        }
        return 0;
    }

    /**
     * Suspends {@code count} coroutines of {@code system} after {@code rounds - 1} completed suspensions and
     * returns the heap bytes per coroutine.
     */
    static double measure(SuspendedSystem system, int count, int rounds) throws Exception {
        Object[] slots = new Object[count];
        Object[] results = new Object[count];
        system.fillGates(slots);
        long base = usedAfterGc();
        Arrays.fill(slots, null);
        system.start(slots, results, rounds);
        for (int r = 1; r < rounds; r++) {
            system.advance(slots, false);
        }
        long used = usedAfterGc();
        system.advance(slots, true);
        for (int k = 0; k < count; k++) {
            int v = system.result(results, k);
            if (v != rounds) {
                throw new IllegalStateException(system.name() + ": coroutine " + k + " finished with " + v
                        + " instead of " + rounds);
            }
        }
        Reference.reachabilityFence(slots);
        Reference.reachabilityFence(results);
        return (used - base) / (double) count;
    }

    private static boolean serialGc() {
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().equals("MarkSweepCompact")) {
                return true;
            }
        }
        return false;
    }

    /** The used heap after collections, once it stops shrinking. */
    static long usedAfterGc() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(20);
            long used = mx.getHeapMemoryUsage().getUsed();
            if (used >= best && i >= 2) {
                return Math.min(used, best);
            }
            best = Math.min(best, used);
        }
        return best;
    }
}
