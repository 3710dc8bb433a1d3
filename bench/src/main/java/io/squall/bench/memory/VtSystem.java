package io.squall.bench.memory;

import io.squall.bench.steps.VtSteps;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Virtual threads (JDK 21+): each coroutine is a virtual thread blocked in {@code join()} on its gate. */
final class VtSystem extends SuspendedSystem {
    private static final Integer ONE = 1;
    private int[] sums;

    @Override
    String name() {
        return "vt";
    }

    @Override
    String unavailableReason() {
        return VtSteps.unavailableReason();
    }

    @Override
    void fillGates(Object[] slots) {
        for (int k = 0; k < slots.length; k++) {
            slots[k] = new CompletableFuture<Integer>();
        }
    }

    @Override
    void start(Object[] slots, Object[] results, int rounds) throws InterruptedException {
        sums = new int[slots.length];
        for (int k = 0; k < slots.length; k++) {
            int me = k;
            Thread t = VtSteps.factory().newThread(() -> {
                int sum = 0;
                for (int i = 0; i < rounds; i++) {
                    CompletableFuture<Integer> gate = new CompletableFuture<>();
                    slots[me] = gate;
                    sum += gate.join();
                }
                sums[me] = sum;
            });
            results[k] = t;
            t.start();
        }
        waitUntilParked(slots, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    void advance(Object[] slots, boolean lastRound) throws InterruptedException {
        Object[] previous = slots.clone();
        for (Object gate : previous) {
            ((CompletableFuture<Integer>) gate).complete(ONE);
        }
        if (!lastRound) {
            waitUntilParked(slots, previous);
        }
    }

    /** Waits until every thread has a new gate and is blocked on it (join registers a dependent). */
    @SuppressWarnings("unchecked")
    private static void waitUntilParked(Object[] slots, Object[] previous) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int k = 0; k < slots.length; k++) {
            while (true) {
                CompletableFuture<Integer> gate = (CompletableFuture<Integer>) slots[k];
                if (gate != null && (previous == null || gate != previous[k]) && gate.getNumberOfDependents() > 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("virtual thread " + k + " did not block on its gate in 120 s");
                }
                Thread.sleep(1);
            }
        }
    }

    @Override
    int result(Object[] results, int k) throws InterruptedException {
        Thread t = (Thread) results[k];
        t.join(TimeUnit.SECONDS.toMillis(60));
        if (t.isAlive()) {
            throw new IllegalStateException("virtual thread " + k + " did not finish");
        }
        return sums[k];
    }
}
