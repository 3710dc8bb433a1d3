package io.squall.bench.memory;

import java.util.concurrent.CompletableFuture;

/** CompletableFuture: each coroutine is a recursion of {@code thenCompose} steps. */
final class CfSystem extends SuspendedSystem {
    private static final Integer ONE = 1;

    @Override
    String name() {
        return "cf";
    }

    @Override
    void fillGates(Object[] slots) {
        for (int k = 0; k < slots.length; k++) {
            slots[k] = new CompletableFuture<Integer>();
        }
    }

    @Override
    void start(Object[] slots, Object[] results, int rounds) {
        for (int k = 0; k < slots.length; k++) {
            results[k] = step(slots, k, 0, rounds, 0);
        }
    }

    private static CompletableFuture<Integer> step(Object[] slots, int k, int i, int rounds, int sum) {
        if (i == rounds) {
            return CompletableFuture.completedFuture(sum);
        }
        CompletableFuture<Integer> gate = new CompletableFuture<>();
        slots[k] = gate;
        return gate.thenCompose(v -> step(slots, k, i + 1, rounds, sum + v));
    }

    @Override
    @SuppressWarnings("unchecked")
    void advance(Object[] slots, boolean lastRound) {
        for (Object gate : slots.clone()) {
            ((CompletableFuture<Integer>) gate).complete(ONE);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    int result(Object[] results, int k) {
        return ((CompletableFuture<Integer>) results[k]).getNow(-1);
    }
}
