package io.squall.bench.memory;

import io.squall.bench.ea.EaSteps;
import java.util.concurrent.CompletableFuture;

/** ea-async 1.2.3: {@link EaSteps#waiter} awaits its gates in a loop. */
final class EaSystem extends CompletableFutureGates {
    @Override
    String name() {
        return "ea";
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
}
