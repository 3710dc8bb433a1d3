package io.squall.bench.memory;

import io.squall.bench.ea.EaSteps;
import java.util.concurrent.CompletableFuture;

/** ea-async 1.2.3: {@link EaSteps#waiter} awaits its gates in a loop. */
final class EaSystem extends SuspendedSystem {
    private static final Integer ONE = 1;

    @Override
    String name() {
        return "ea";
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
            results[k] = EaSteps.waiter(i -> {
                CompletableFuture<Integer> gate = new CompletableFuture<>();
                slots[i] = gate;
                return gate;
            }, k, rounds);
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
