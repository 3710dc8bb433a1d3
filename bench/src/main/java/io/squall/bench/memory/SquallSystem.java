package io.squall.bench.memory;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/** Squall: {@link #waiter} awaits its gates in a loop; everything runs on one IOLoop. */
final class SquallSystem extends SuspendedSystem {
    private static final Integer ONE = 1;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private final IOLoop loop = new IOLoop();

    @Override
    String name() {
        return "squall";
    }

    @Override
    void fillGates(Object[] slots) {
        for (int k = 0; k < slots.length; k++) {
            slots[k] = new Future<Integer>();
        }
    }

    @Override
    void start(Object[] slots, Object[] results, int rounds) {
        IntFunction<Future<Integer>> next = k -> {
            Future<Integer> gate = new Future<>();
            slots[k] = gate;
            return gate;
        };
        loop.runSync(() -> {
            for (int k = 0; k < slots.length; k++) {
                results[k] = waiter(next, k, rounds);
            }
            return until(() -> allPending(slots, null));
        }, TIMEOUT);
    }

    /**
     * Awaits {@code rounds} gates in turn.
     *
     * @param next gives coroutine {@code k}'s next gate
     * @param k the coroutine's index
     * @param rounds how many gates
     * @return a future of the sum of the gates' values
     */
    @Coroutine
    static Future<Integer> waiter(IntFunction<Future<Integer>> next, int k, int rounds) {
        int sum = 0;
        for (int i = 0; i < rounds; i++) {
            sum += await(next.apply(k));
        }
        return Future.of(sum);
    }

    @Override
    @SuppressWarnings("unchecked")
    void advance(Object[] slots, boolean lastRound) {
        Object[] previous = slots.clone();
        loop.runSync(() -> {
            for (Object gate : previous) {
                ((Future<Integer>) gate).setResult(ONE);
            }
            return until(() -> lastRound || allPending(slots, previous));
        }, TIMEOUT);
    }

    @SuppressWarnings("unchecked")
    private static boolean allPending(Object[] slots, Object[] previous) {
        for (int k = 0; k < slots.length; k++) {
            Future<Integer> gate = (Future<Integer>) slots[k];
            if (gate == null || gate.isDone() || (previous != null && gate == previous[k])) {
                return false;
            }
        }
        return true;
    }

    /** A future that completes in the first loop iteration where {@code condition} holds. */
    private Future<Void> until(BooleanSupplier condition) {
        Future<Void> f = new Future<>();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (condition.getAsBoolean()) {
                    f.setResult(null);
                } else {
                    loop.addCallback(this);
                }
            }
        };
        loop.addCallback(check);
        return f;
    }

    @Override
    @SuppressWarnings("unchecked")
    int result(Object[] results, int k) {
        Future<Integer> f = (Future<Integer>) results[k];
        if (!f.isDone()) {
            loop.runSync(() -> until(f::isDone), TIMEOUT);
        }
        return f.result();
    }

    @Override
    void close() {
        loop.close();
    }
}
