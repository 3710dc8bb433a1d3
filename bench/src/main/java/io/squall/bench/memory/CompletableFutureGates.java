package io.squall.bench.memory;

import java.util.concurrent.CompletableFuture;

/**
 * A system whose coroutines wait on {@link CompletableFuture} gates and whose results are CompletableFutures
 * (the cf and ea peers): creating, completing and reading them is the same for both.
 */
abstract class CompletableFutureGates extends SuspendedSystem {
    private static final Integer ONE = 1;

    @Override
    void fillGates(Object[] slots) {
        for (int k = 0; k < slots.length; k++) {
            slots[k] = new CompletableFuture<Integer>();
        }
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
