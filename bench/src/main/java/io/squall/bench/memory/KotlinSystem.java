package io.squall.bench.memory;

import io.squall.bench.kotlin.KotlinWaiters;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import kotlinx.coroutines.CoroutineScope;

/**
 * Kotlin coroutines (kotlinx.coroutines): {@code KotlinWaiters.waiter} awaits its {@code CompletableDeferred}
 * gates in a loop; every coroutine runs on one thread (a single-thread executor as the dispatcher).
 */
final class KotlinSystem extends SuspendedSystem {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "memory-kotlin");
        t.setDaemon(true);
        return t;
    });
    private final CoroutineScope scope = KotlinWaiters.scope(thread);

    @Override
    String name() {
        return "kotlin";
    }

    @Override
    void fillGates(Object[] slots) {
        for (int k = 0; k < slots.length; k++) {
            slots[k] = KotlinWaiters.gate();
        }
    }

    @Override
    void start(Object[] slots, Object[] results, int rounds) throws Exception {
        on(() -> {
            KotlinWaiters.start(scope, slots, results, rounds);
            return null;
        });
        untilOnThread(() -> allPending(slots, null));
    }

    @Override
    void advance(Object[] slots, boolean lastRound) throws Exception {
        Object[] previous = slots.clone();
        on(() -> {
            for (Object gate : previous) {
                KotlinWaiters.open(gate);
            }
            return null;
        });
        if (!lastRound) {
            untilOnThread(() -> allPending(slots, previous));
        }
    }

    private static boolean allPending(Object[] slots, Object[] previous) {
        for (int k = 0; k < slots.length; k++) {
            if (!KotlinWaiters.isPending(slots[k]) || (previous != null && slots[k] == previous[k])) {
                return false;
            }
        }
        return true;
    }

    @Override
    int result(Object[] results, int k) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int v;
        while ((v = on(() -> KotlinWaiters.result(results[k]))) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kotlin: coroutine " + k + " did not finish");
            }
        }
        return v;
    }

    /** Runs {@code fn} on the coroutines' thread, after everything queued there before it. */
    private <T> T on(Callable<T> fn) throws Exception {
        return thread.submit(fn).get(120, TimeUnit.SECONDS);
    }

    /** Waits until {@code condition}, checked on the coroutines' thread, holds. */
    private void untilOnThread(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!on(condition)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kotlin: the coroutines did not all suspend on their gates");
            }
        }
    }

    @Override
    void close() {
        thread.shutdownNow();
    }
}
