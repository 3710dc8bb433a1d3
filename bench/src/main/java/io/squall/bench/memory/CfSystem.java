package io.squall.bench.memory;

import java.util.concurrent.CompletableFuture;

/** CompletableFuture: each coroutine is a recursion of {@code thenCompose} steps. */
final class CfSystem extends CompletableFutureGates {
    @Override
    String name() {
        return "cf";
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
}
